"""An MDA for fetchmail: write the message on stdin to FOLDER/<next number>.eml (deliveries are sequential).

usage: mda_to_folder.py FOLDER
"""
import os
import sys

folder = sys.argv[1]
os.makedirs(folder, exist_ok=True)
n = len(os.listdir(folder)) + 1
data = sys.stdin.buffer.read()
tmp = os.path.join(folder, ".tmp-%d" % n)
with open(tmp, "wb") as f:
    f.write(data)
os.rename(tmp, os.path.join(folder, "%010d.eml" % n))
