#!/usr/bin/python3
"""A small test milter on pymilter (Debian python3-milter, Sendmail's libmilter underneath) for the
milter client tests. Usage: /usr/bin/python3 test_milter.py PORT

What it does is chosen by the message's `X-Test-Milter:` header field:
  reject      SMFIR_REJECT at end of message
  replycode   SMFIR_REPLYCODE 550 5.7.0 "Custom milter refusal" at end of message
  tempfail    SMFIR_TEMPFAIL at end of message
  discard     SMFIR_DISCARD at end of message
  quarantine  SMFIR_QUARANTINE "held for review", then accept
  edit        add X-Milter-Seen (what the milter saw: envelope, macros, body length), insert
              X-Milter-First at index 0, change Subject, delete X-Remove-Me, replace the body
  (none)      continue (accept, no change)
A recipient named postmaster@... is refused at the RCPT step (SMFIR_REPLYCODE 550 5.7.1).
"""
import sys
import Milter


class TestMilter(Milter.Base):
    def __init__(self):
        self.command = None
        self.mailfrom = None
        self.rcpts = []
        self.client = None
        self.helo = None
        self.body_len = 0
        self.headers = 0

    def connect(self, hostname, family, hostaddr):
        self.client = hostaddr[0] if hostaddr else None
        return Milter.CONTINUE

    def hello(self, name):
        self.helo = name
        return Milter.CONTINUE

    def envfrom(self, mailfrom, *params):
        self.mailfrom = mailfrom
        self.rcpts = []
        self.command = None
        self.body_len = 0
        self.headers = 0
        return Milter.CONTINUE

    def envrcpt(self, to, *params):
        if to.lower().startswith("<postmaster@"):
            self.setreply("550", "5.7.1", "Recipient refused by the test milter")
            return Milter.REJECT
        self.rcpts.append(to)
        return Milter.CONTINUE

    def header(self, name, value):
        self.headers += 1
        if name.lower() == "x-test-milter":
            self.command = value.strip()
        return Milter.CONTINUE

    def body(self, chunk):
        self.body_len += len(chunk)
        return Milter.CONTINUE

    def eom(self):
        c = self.command
        if c == "reject":
            return Milter.REJECT
        if c == "replycode":
            self.setreply("550", "5.7.0", "Custom milter refusal")
            return Milter.REJECT
        if c == "tempfail":
            return Milter.TEMPFAIL
        if c == "discard":
            return Milter.DISCARD
        if c == "quarantine":
            self.quarantine("held for review")
            return Milter.ACCEPT
        if c == "edit":
            seen = "from=%s rcpts=%s client=%s helo=%s i=%s headers=%d body=%d" % (
                self.mailfrom, ",".join(self.rcpts), self.client, self.helo, self.getsymval("i"), self.headers, self.body_len)
            self.addheader("X-Milter-Seen", seen)
            self.addheader("X-Milter-First", "inserted", 0)
            self.chgheader("Subject", 1, "Changed by milter")
            self.chgheader("X-Remove-Me", 1, "")
            self.replacebody(b"Body replaced by the test milter.\r\n")
            return Milter.ACCEPT
        return Milter.CONTINUE


def main():
    port = int(sys.argv[1])
    Milter.factory = TestMilter
    Milter.set_flags(Milter.ADDHDRS | Milter.CHGHDRS | Milter.CHGBODY | Milter.QUARANTINE)
    sys.stdout.write("listening\n")
    sys.stdout.flush()
    Milter.runmilter("testmilter", "inet:%d@127.0.0.1" % port, 30)


if __name__ == "__main__":
    main()
