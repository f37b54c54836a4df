"""Send every message file of a folder (in name order) over ONE SMTP session with smtplib.

usage: smtp_send.py HOST PORT MAIL_FROM RCPT_TO FOLDER
Prints one JSON line per message: {"name": ..., "code": 250, "reply": "..."}; exit 0 unless the session broke.
smtplib.sendmail dot-stuffs the data and adds CRLF before the final dot when the data does not end in one;
the files are already CRLF-only (the test normalized them).
"""
import json
import os
import smtplib
import sys

host, port, sender, rcpt, folder = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
names = sorted(os.listdir(folder))
with smtplib.SMTP(host, port, local_hostname="smtplib.client.test", timeout=120) as smtp:
    smtp.ehlo()
    for name in names:
        with open(os.path.join(folder, name), "rb") as f:
            data = f.read()
        options = ["BODY=8BITMIME"] if smtp.has_extn("8bitmime") and any(b > 127 for b in data) else []
        try:
            refused = smtp.sendmail(sender, [rcpt], data, mail_options=options)
            code, reply = (250, "ok") if not refused else (550, repr(refused))
        except smtplib.SMTPResponseException as e:
            code, reply = e.smtp_code, e.smtp_error.decode("utf-8", "replace")
        except smtplib.SMTPRecipientsRefused as e:
            code, reply = 550, repr(e.recipients)
        print(json.dumps({"name": name, "code": code, "reply": reply}), flush=True)
    smtp.quit()
