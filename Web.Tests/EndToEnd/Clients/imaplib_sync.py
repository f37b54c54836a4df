#!/usr/bin/env python3
"""imaplib_sync.py - a two-way sync of a Maildir tree with an IMAP account, written on python3's imaplib.

Usage: imaplib_sync.py HOST PORT USER PASSWORD MAILDIR

The local side is a Maildir tree (MAILDIR/<folder>/{cur,new,tmp}); synced files are named
<base>,U=<uid>:2,<flags> and each folder keeps .imaplib-sync.json (UIDVALIDITY, HIGHESTMODSEQ, the flags of each
UID at the last sync). Per folder, with CONDSTORE (RFC 7162 section 3.1):
  pull: UIDs gone from UID SEARCH ALL are deleted here; UID FETCH 1:* (FLAGS) (CHANGEDSINCE modseq) gives the flags
        other sessions changed (applied when the local flags did not change meanwhile); new UIDs are fetched (BODY.PEEK[]);
  push: files whose UID is gone here are STOREd \\Deleted and UID EXPUNGEd (UIDPLUS); changed flags are STOREd with
        UNCHANGEDSINCE; files without a UID (new, or moved in from another folder) are APPENDed and replaced by the
        server's copy (APPENDUID).
Local folders the server lacks are CREATEd. Prints one line per action, then "SYNCED <n> folders".
"""
import imaplib
import json
import os
import re
import sys
import uuid

UID_IN_NAME = re.compile(r",U=(\d+)")
FLAG_LETTERS = [("D", "\\Draft"), ("F", "\\Flagged"), ("R", "\\Answered"), ("S", "\\Seen")]


def letters_of_flags(flags):
    return "".join(l for l, f in FLAG_LETTERS if f.lower() in [x.lower() for x in flags])


def flags_of_letters(letters):
    return "(" + " ".join(f for l, f in FLAG_LETTERS if l in letters) + ")"


def local_letters(name):
    at = name.find(":2,")
    return "".join(sorted(c for c in (name[at + 3:] if at >= 0 else "") if c in "DFRS"))


def quote(name):
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def check(result, what):
    typ, data = result
    if typ != "OK":
        raise RuntimeError(f"{what}: {typ} {data}")
    return data


def parse_fetch_flags(data):
    """(uid, [flags]) from UID FETCH (FLAGS) replies."""
    out = []
    for item in data:
        if item is None:
            continue
        text = item.decode() if isinstance(item, bytes) else item[0].decode()
        uid = re.search(r"UID (\d+)", text)
        flags = re.search(r"FLAGS \(([^)]*)\)", text)
        if uid and flags:
            out.append((int(uid.group(1)), flags.group(1).split()))
    return out


def files(path):
    for sub in ("cur", "new"):
        for name in sorted(os.listdir(os.path.join(path, sub))):
            yield os.path.join(path, sub, name)


def sync_folder(imap, name, path, log):
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(path, sub), exist_ok=True)
    state_path = os.path.join(path, ".imaplib-sync.json")
    state = {"uidvalidity": 0, "modseq": 0, "flags": {}}
    if os.path.exists(state_path):
        with open(state_path) as f:
            state = json.load(f)
    typ, data = imap.select(quote(name))
    if typ != "OK":
        raise RuntimeError(f"SELECT {name}: {data}")
    uidvalidity = int(imap.untagged_responses.get("UIDVALIDITY", [b"0"])[-1])
    modseq_reply = imap.untagged_responses.get("HIGHESTMODSEQ", [b"0"])[-1]
    opened_modseq = int(modseq_reply)
    if uidvalidity != state["uidvalidity"]:
        state = {"uidvalidity": uidvalidity, "modseq": 0, "flags": {}}
    known = {int(k): v for k, v in state["flags"].items()}
    local = {}
    for f in files(path):
        m = UID_IN_NAME.search(os.path.basename(f))
        if m:
            local[int(m.group(1))] = f

    # Pull.
    server_uids = {int(u) for u in check(imap.uid("SEARCH", "ALL"), "UID SEARCH")[0].split()}
    for uid in sorted(set(known) - server_uids):
        if uid in local:
            os.remove(local.pop(uid))
        del known[uid]
        log(f"{name}: UID {uid} expunged on the server, deleted here")
    if known and state["modseq"]:
        changed = parse_fetch_flags(check(imap.uid("FETCH", "1:*", f"(FLAGS) (CHANGEDSINCE {state['modseq']})"), "UID FETCH CHANGEDSINCE"))
        for uid, flags in changed:
            if uid in known and uid in local and local_letters(os.path.basename(local[uid])) == known[uid]:
                letters = letters_of_flags(flags)
                base = os.path.basename(local[uid]).split(":2,")[0]
                target = os.path.join(path, "cur", base + ":2," + letters)
                os.rename(local[uid], target)
                local[uid] = target
                known[uid] = letters
                log(f"{name}: UID {uid} flags {letters} from the server")
    for uid in sorted(server_uids - set(known)):
        data = check(imap.uid("FETCH", str(uid), "(FLAGS BODY.PEEK[])"), "UID FETCH BODY")
        body = next(item[1] for item in data if isinstance(item, tuple))
        text = b" ".join(item[0] if isinstance(item, tuple) else item for item in data if item is not None).decode("latin-1")
        flags = re.search(r"FLAGS \(([^)]*)\)", text)
        letters = letters_of_flags(flags.group(1).split() if flags else [])
        target = os.path.join(path, "cur", f"{uuid.uuid4().hex},U={uid}:2,{letters}")
        with open(target, "wb") as f:
            f.write(body)
        local[uid] = target
        known[uid] = letters
        log(f"{name}: UID {uid} fetched")

    # Push.
    deleted = sorted(set(known) - set(local))
    if deleted:
        uid_set = ",".join(str(u) for u in deleted)
        check(imap.uid("STORE", uid_set, "+FLAGS.SILENT", "(\\Deleted)"), "UID STORE \\Deleted")
        check(imap.uid("EXPUNGE", uid_set), "UID EXPUNGE")
        for uid in deleted:
            del known[uid]
        log(f"{name}: expunged {len(deleted)} deleted here")
    for uid, f in sorted(local.items()):
        letters = local_letters(os.path.basename(f))
        if uid in known and letters != known[uid]:
            typ, data = imap.uid("STORE", str(uid), f"(UNCHANGEDSINCE {state['modseq'] or opened_modseq})", "FLAGS.SILENT", flags_of_letters(letters))
            if typ == "OK" and not any(b"MODIFIED" in (d or b"") for d in data if isinstance(d, bytes)):
                known[uid] = letters
                log(f"{name}: UID {uid} flags {letters} to the server")
    for f in list(files(path)):
        if UID_IN_NAME.search(os.path.basename(f)):
            continue
        with open(f, "rb") as fh:
            raw = fh.read()
        # Messages on the wire have CRLF line ends (RFC 5322 section 2.1); a local file may have LF.
        raw = re.sub(rb"(?<!\r)\n", b"\r\n", raw)
        letters = local_letters(os.path.basename(f))
        typ, data = imap.append(quote(name), flags_of_letters(letters) if letters else None, None, raw)
        if typ != "OK":
            raise RuntimeError(f"APPEND to {name}: {data}")
        m = re.search(rb"APPENDUID \d+ (\d+)", data[0])
        if not m:
            raise RuntimeError(f"APPEND to {name} gave no APPENDUID: {data}")
        uid = int(m.group(1))
        fetched = check(imap.uid("FETCH", str(uid), "(BODY.PEEK[])"), "UID FETCH appended")
        body = next(item[1] for item in fetched if isinstance(item, tuple))
        with open(os.path.join(path, "cur", f"{uuid.uuid4().hex},U={uid}:2,{letters}"), "wb") as out:
            out.write(body)
        os.remove(f)
        known[uid] = letters
        log(f"{name}: appended as UID {uid}")

    imap.close()
    state["modseq"] = opened_modseq
    state["flags"] = {str(k): v for k, v in sorted(known.items())}
    with open(state_path, "w") as out:
        json.dump(state, out, indent=1)


def main():
    host, port, user, password, root = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
    imap = imaplib.IMAP4(host, port, timeout=60)
    check(imap.login(user, password), "LOGIN")
    # The capabilities after login (the greeting's list is the pre-login one).
    caps = check(imap.capability(), "CAPABILITY")[0].decode().upper().split()
    for needed in ("CONDSTORE", "UIDPLUS"):
        if needed not in caps:
            raise RuntimeError(f"the server lacks {needed}: {caps}")
    check(imap.enable("CONDSTORE"), "ENABLE CONDSTORE")
    server = []
    for line in check(imap.list('""', "*"), "LIST"):
        m = re.match(rb'\(([^)]*)\) (?:"[^"]*"|NIL) (.*)$', line)
        attributes, raw_name = m.group(1).decode(), m.group(2).decode()
        if "\\Noselect" in attributes or "\\NonExistent" in attributes:
            continue
        name = raw_name[1:-1].replace('\\"', '"').replace("\\\\", "\\") if raw_name.startswith('"') else raw_name
        server.append(name)
    for name in sorted(os.listdir(root)):
        if os.path.isdir(os.path.join(root, name)) and name not in server:
            check(imap.create(quote(name)), "CREATE " + name)
            imap.subscribe(quote(name))
            server.append(name)
            print(f"created {name} on the server")
    for name in sorted(server):
        sync_folder(imap, name, os.path.join(root, name), print)
    imap.logout()
    print(f"SYNCED {len(server)} folders")


if __name__ == "__main__":
    main()
