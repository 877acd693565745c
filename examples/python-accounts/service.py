"""A small accounts service over SQLite, in Python's standard library only.

A deposit reads the account, then writes the new balance back. With
UPDATE_MODE=compare-and-set (the correct mode) the write succeeds only if the
version it read is still current, else 409; with the default read-modify-write
mode it writes blindly, and concurrent deposits overwrite each other.

The harness passes PORT and CHAOS_DATA_DIR (a folder that survives a crash
restart within one pass).
"""
import json
import os
import sqlite3
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT = int(os.environ["PORT"])
DATABASE = os.path.join(os.environ.get("CHAOS_DATA_DIR", "."), "accounts.sqlite")
COMPARE_AND_SET = os.environ.get("UPDATE_MODE") == "compare-and-set"
# Time between the read and the write: the window concurrent deposits race in.
THINK_SECONDS = float(os.environ.get("THINK_MS", "2")) / 1000

def connect():
    connection = sqlite3.connect(DATABASE, timeout=10, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    return connection

with connect() as setup:
    setup.execute(
        "CREATE TABLE IF NOT EXISTS account (id TEXT PRIMARY KEY, balance INTEGER NOT NULL, version INTEGER NOT NULL)"
    )

class Handler(BaseHTTPRequestHandler):
    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass  # quiet: the harness keeps the last output only for errors

    def do_GET(self):
        if self.path == "/":
            return self.reply(200, {"ok": True})
        if self.path == "/accounts":
            with connect() as db:
                rows = db.execute("SELECT id, balance, version FROM account ORDER BY id").fetchall()
            return self.reply(200, [{"id": i, "balance": b, "version": v} for i, b, v in rows])
        self.reply(404, {"error": "not found"})

    def do_PUT(self):
        # PUT /accounts/ID: open the account at balance 0, version 1 (idempotent).
        account = self.path.removeprefix("/accounts/")
        with connect() as db:
            db.execute("INSERT OR IGNORE INTO account VALUES (?, 0, 1)", (account,))
        self.reply(200, {"id": account})

    def do_POST(self):
        # POST /accounts/ID/deposit {"amount": N}
        parts = self.path.strip("/").split("/")
        if len(parts) != 3 or parts[0] != "accounts" or parts[2] != "deposit":
            return self.reply(404, {"error": "not found"})
        amount = json.loads(self.rfile.read(int(self.headers["content-length"])))["amount"]
        with connect() as db:
            row = db.execute("SELECT balance, version FROM account WHERE id = ?", (parts[1],)).fetchone()
            if row is None:
                return self.reply(404, {"error": "no such account"})
            balance, version = row
            time.sleep(THINK_SECONDS)
            if COMPARE_AND_SET:
                updated = db.execute(
                    "UPDATE account SET balance = ?, version = version + 1 WHERE id = ? AND version = ?",
                    (balance + amount, parts[1], version),
                ).rowcount
                if updated == 0:
                    return self.reply(409, {"error": "version conflict"})
            else:
                db.execute(
                    "UPDATE account SET balance = ?, version = ? WHERE id = ?",
                    (balance + amount, version + 1, parts[1]),
                )
        self.reply(200, {"readVersion": version, "wroteVersion": version + 1, "balance": balance + amount})

ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
