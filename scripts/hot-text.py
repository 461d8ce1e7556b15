#!/usr/bin/env python3
"""Writes server/amlc/link/hot-text.ld: the functions an editor session runs, placed together.

Why: the kernel maps a binary's code into a process in 64 KiB windows around each page it runs. The few
thousand functions a language server runs are spread over the 17 MB text of `amlc`, so a session on a
small spec made about 12 MiB of code resident, which was most of the server's memory. Linked next to
each other, they take about 2 MiB (docs/benchmarks.md).

How: it builds the release binary, runs a typical editor session (`amlc lsp` over stdio on the example
specs: open, type, complete, hover, quick fixes, outline, lenses) and `amlc check` under valgrind's
callgrind, maps every instruction that ran to its function, and writes a linker script that places
those functions' sections first. Names are written without the parts that change when a dependency or
the compiler changes (crate hashes, LTO suffixes), so the script keeps working until the code itself
moves on; run this again after large changes. server/amlc/build.rs passes the script to the linker.

Needs: valgrind (Debian package `valgrind`), nm (binutils). Usage: python3 scripts/hot-text.py
"""

from __future__ import annotations

import bisect
import json
import os
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "server" / "amlc" / "link" / "hot-text.ld"
# The examples a newcomer opens, and the core's fixtures, which reach every rule and YAML form.
DOCUMENTS = sorted([*(ROOT / "examples").rglob("*.yml"), *(ROOT / "server" / "spec" / "tests" / "fixtures").glob("*.yaml")])
# How long to wait for diagnostics under valgrind; YAML that is not a compute spec gets none.
PATIENCE = 20.0


class Lsp:
    """A minimal LSP client over the server's stdio; answers the server's own requests with nothing."""

    def __init__(self, command: list[str]):
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL)
        self.next_id = 0
        self.inbox: queue.Queue = queue.Queue()
        threading.Thread(target=self._read_all, daemon=True).start()

    def _read_all(self) -> None:
        while True:
            length = 0
            while True:
                line = self.proc.stdout.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            self.inbox.put(json.loads(self.proc.stdout.read(length)))

    def send(self, message: dict) -> None:
        body = json.dumps(message).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def wait(self, predicate, patience: float = 120.0) -> dict | None:
        """The first message that satisfies `predicate`, or None after `patience` seconds of silence."""
        while True:
            try:
                message = self.inbox.get(timeout=patience)
            except queue.Empty:
                return None
            if "id" in message and "method" in message:
                items = (message.get("params") or {}).get("items")
                self.send({"jsonrpc": "2.0", "id": message["id"],
                           "result": [None] * len(items) if items is not None else None})
            if predicate(message):
                return message

    def request(self, method: str, params: dict | None = None) -> dict:
        self.next_id += 1
        request_id = self.next_id
        message = {"jsonrpc": "2.0", "id": request_id, "method": method}
        if params is not None:  # `shutdown` and `exit` take none
            message["params"] = params
        self.send(message)
        answer = self.wait(lambda m: m.get("id") == request_id and "method" not in m)
        if answer is None:
            raise RuntimeError(f"no answer to {method}")
        return answer

    def notify(self, method: str, params: dict | None = None) -> None:
        message = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)

    def diagnostics(self, uri: str, version: int) -> list | None:
        message = self.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                            and m["params"]["uri"] == uri and m["params"].get("version") == version, PATIENCE)
        return None if message is None else message["params"]["diagnostics"]


def editor_session(command: list[str]) -> None:
    """What an editor does on a spec: every request kind the server answers, on every example."""
    lsp = Lsp(command + ["lsp", "--stdio"])
    capabilities = {
        "general": {"positionEncodings": ["utf-16"]},
        "textDocument": {
            "synchronization": {"didSave": True},
            "completion": {"completionItem": {"snippetSupport": True, "documentationFormat": ["markdown"]}},
            "hover": {"contentFormat": ["markdown", "plaintext"]},
            "codeAction": {"codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["quickfix"]}}},
            "publishDiagnostics": {"relatedInformation": True, "versionSupport": True,
                                   "codeDescriptionSupport": True, "tagSupport": {"valueSet": [1, 2]}},
            "documentSymbol": {"hierarchicalDocumentSymbolSupport": True},
        },
        "window": {"workDoneProgress": True},
        "workspace": {"configuration": True},
    }
    lsp.request("initialize", {"processId": None, "rootUri": ROOT.as_uri(), "capabilities": capabilities})
    lsp.notify("initialized", {})
    for path in DOCUMENTS:
        uri, text = path.as_uri(), path.read_text()
        lsp.notify("textDocument/didOpen",
                   {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}})
        if lsp.diagnostics(uri, 1) is None:
            lsp.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
            continue
        lines = text.split("\n")
        version = 1
        # Typing at the ends of a few lines, one character at a time, then the whole text put back.
        for line in sorted({min(1, len(lines) - 1), len(lines) // 2, max(len(lines) - 2, 0)}):
            for character in "ab1":
                version += 1
                column = len(lines[line])
                lines[line] += character
                lsp.notify("textDocument/didChange", {
                    "textDocument": {"uri": uri, "version": version},
                    "contentChanges": [{"range": {"start": {"line": line, "character": column},
                                                  "end": {"line": line, "character": column}}, "text": character}]})
                lsp.diagnostics(uri, version)
        version += 1
        lsp.notify("textDocument/didChange",
                   {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]})
        diagnostics = lsp.diagnostics(uri, version) or []
        document = {"uri": uri}
        lines = text.split("\n")
        # Hover on every key and value; completion at each line's start, its indentation and its value.
        for number, content in enumerate(lines):
            indent = len(content) - len(content.lstrip(" -"))
            columns = {0, indent}
            if ":" in content:
                key_end = content.index(":")
                lsp.request("textDocument/hover", {"textDocument": document,
                                                   "position": {"line": number, "character": max(key_end - 1, 0)}})
                lsp.request("textDocument/hover", {"textDocument": document,
                                                   "position": {"line": number, "character": len(content)}})
                columns.add(min(key_end + 2, len(content)))
            for column in sorted(columns):
                lsp.request("textDocument/completion",
                            {"textDocument": document, "position": {"line": number, "character": column}})
        whole = {"start": {"line": 0, "character": 0}, "end": {"line": len(lines), "character": 0}}
        lsp.request("textDocument/codeAction", {"textDocument": document, "range": whole,
                                                "context": {"diagnostics": diagnostics}})
        for method in ("documentSymbol", "foldingRange", "codeLens"):
            lsp.request(f"textDocument/{method}", {"textDocument": document})
        lsp.request("textDocument/selectionRange",
                    {"textDocument": document, "positions": [{"line": 1, "character": 1}]})
        lsp.notify("textDocument/didClose", {"textDocument": document})
    lsp.request("shutdown")
    lsp.notify("exit")
    lsp.proc.wait(timeout=120)


def executed_addresses(callgrind_out: Path, binary: Path) -> set[int]:
    """Every instruction address callgrind saw run inside `binary` (needs --dump-instr=yes, uncompressed)."""
    addresses: set[int] = set()
    inside = False
    with callgrind_out.open(errors="replace") as lines:
        for line in lines:
            if line.startswith("ob="):
                inside = Path(line[3:].strip()) == binary
            elif inside and line.startswith("0x"):
                addresses.add(int(line.split(maxsplit=1)[0], 16))
    return addresses


def functions(binary: Path) -> list[tuple[int, int, str]]:
    """(address, size, mangled name) of every function in the binary, by address."""
    listing = subprocess.run(["nm", "--defined-only", "--print-size", str(binary)],
                             check=True, capture_output=True, text=True).stdout
    found = []
    for row in listing.splitlines():
        parts = row.split()
        if len(parts) == 4 and parts[2] in "tTwW":
            found.append((int(parts[0], 16), int(parts[1], 16), parts[3]))
    return sorted(found)


# The parts of a symbol that change without the code changing: v0 crate disambiguators (`Cs<base62>_`),
# legacy hashes (`17h<hex>E`) and the suffixes ThinLTO adds to promoted local functions.
VOLATILE = [
    (re.compile(r"Cs[0-9A-Za-z]+_"), "Cs*_"),
    (re.compile(r"17h[0-9a-f]{16}E.*$"), "17h*"),
    (re.compile(r"\.llvm\.[0-9]+$"), ".llvm.*"),
]


def pattern(name: str) -> str:
    for regex, replacement in VOLATILE:
        name = regex.sub(replacement, name)
    return name


def write_script(names: list[str], counted: str) -> None:
    patterns = list(dict.fromkeys(pattern(name) for name in names))
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    with OUTPUT.open("w") as out:
        out.write("/* Generated by scripts/hot-text.py; do not edit. Run it again after large changes.\n")
        out.write(f"   The functions an editor session runs ({counted}), placed together so that a\n")
        out.write("   small session maps little of the binary. See docs/benchmarks.md, \"Memory of a small session\". */\n")
        out.write("SECTIONS {\n  .text.hot : {\n")
        for name in patterns:
            # Functions marked cold (slow paths of locks and hash tables) get the `.text.unlikely.` prefix.
            out.write(f"    *(.text.{name} .text.unlikely.{name})\n")
        out.write("  }\n} INSERT BEFORE .text;\n")
    print(f"wrote {OUTPUT.relative_to(ROOT)}: {len(patterns)} patterns", file=sys.stderr)


def main() -> int:
    for tool in ("valgrind", "nm"):
        if shutil.which(tool) is None:
            print(f"hot-text: `{tool}` is needed (apt-get install valgrind binutils)", file=sys.stderr)
            return 2
    # Cargo runs in ROOT, so a relative CARGO_TARGET_DIR is relative to it.
    target = ROOT / os.environ.get("CARGO_TARGET_DIR", "target")
    # The profile is taken from a binary linked without the current script, so it sees the
    # compiler's own layout and a stale script cannot hide functions.
    env = dict(os.environ, AMLC_HOT_TEXT="0")
    subprocess.run(["cargo", "build", "--release", "-p", "amlc"], cwd=ROOT, env=env, check=True)
    binary = (target / "release" / "amlc").resolve()
    with tempfile.TemporaryDirectory() as scratch:
        def under_callgrind(name: str) -> tuple[list[str], Path]:
            out = Path(scratch) / f"callgrind.{name}"
            return ["valgrind", "--tool=callgrind", "--dump-instr=yes", "--compress-strings=no",
                    "--compress-pos=no", f"--callgrind-out-file={out}", str(binary)], out

        command, session_out = under_callgrind("lsp")
        editor_session(command)
        command, check_out = under_callgrind("check")
        subprocess.run(command + ["check", *map(str, DOCUMENTS)], capture_output=True)
        addresses = executed_addresses(session_out, binary) | executed_addresses(check_out, binary)
    table = functions(binary)
    starts = [start for start, _, _ in table]
    ran: dict[str, tuple[int, int]] = {}
    for address in addresses:
        index = bisect.bisect_right(starts, address) - 1
        if index >= 0:
            start, size, name = table[index]
            if address < start + max(size, 1):
                ran[name] = (start, size)
    by_address = sorted(ran, key=lambda name: ran[name][0])
    size = sum(size for _, size in ran.values())
    write_script(by_address, f"{len(by_address)} functions, {size // 1024} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
