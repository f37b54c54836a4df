"""An MDA for fetchmail: write the message on stdin to FOLDER/<time ns>-<pid>.eml.

The name is unique and sorts in delivery order without counting the folder's files, so a slow or
overlapping run never overwrites an earlier message.

usage: mda_to_folder.py FOLDER
"""
import os
import sys
import time

folder = sys.argv[1]
os.makedirs(folder, exist_ok=True)
name = "%020d-%07d.eml" % (time.time_ns(), os.getpid())
data = sys.stdin.buffer.read()
tmp = os.path.join(folder, "." + name + ".tmp")
with open(tmp, "wb") as f:
    f.write(data)
    f.flush()
    os.fsync(f.fileno())
os.rename(tmp, os.path.join(folder, name))
