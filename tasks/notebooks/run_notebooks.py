"""Executes notebooks headless in real Jupyter with the Deno kernel (`deno task notebooks`).

nbclient stops listening when the kernel reports a cell idle, but the Deno kernel sometimes sends
a cell's output just after that (nbconvert --execute then drops it). This runner keeps listening
GRACE seconds after each cell, and fails if a code cell ends with no output at all, so a lost
output is an error rather than a silently emptier notebook.

Usage: run_notebooks.py --output DIR NOTEBOOK...   (exit 0 ok, 1 on any cell error or lost output)
"""
import argparse
import asyncio
import os
import queue
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionComplete, CellExecutionError
from nbclient.util import ensure_async

GRACE = 0.25


class GraceClient(NotebookClient):
    """NotebookClient that keeps collecting a cell's output for GRACE seconds after idle."""

    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        await super()._async_poll_output_msg(parent_msg_id, cell, cell_index)
        deadline = time.monotonic() + GRACE
        while (left := deadline - time.monotonic()) > 0:
            try:
                msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=left))
            except (queue.Empty, asyncio.TimeoutError, TimeoutError):
                break
            if msg["parent_header"].get("msg_id") == parent_msg_id:
                try:
                    self.process_message(msg, cell, cell_index)
                except CellExecutionComplete:
                    pass


class TransportError(Exception):
    """A kernel message was lost in transport (not an error of the notebook)."""


def run_with_retry(path, out_dir, timeout):
    try:
        return run(path, out_dir, timeout)
    except TransportError as e:
        print(f"notebooks: {os.path.basename(path)}: kernel transport error ({e}); running it again",
              file=sys.stderr)
        return run(path, out_dir, timeout)


def run(path, out_dir, timeout):
    nb = nbformat.read(path, as_version=4)
    client = GraceClient(nb, kernel_name="deno", timeout=timeout,
                         resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}})
    name = os.path.basename(path)
    error = None
    try:
        client.execute()
    except CellExecutionError as e:
        error = e
    except ValueError as e:
        # The Deno kernel, under load, can put a message on iopub whose HMAC does not verify
        # (jupyter_client: "Invalid Signature"): the transport lost a message, not the notebook
        # failing. The caller runs the notebook again, once.
        if str(e).startswith("Invalid Signature"):
            raise TransportError(str(e)) from e
        raise
    os.makedirs(out_dir, exist_ok=True)
    nbformat.write(nb, os.path.join(out_dir, name))
    if error is not None:
        index = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code" and any(
            o.get("output_type") == "error" for o in c.get("outputs", []))), None)
        err = next((o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"), None)
        where = f"cell {index}" if index is not None else "a cell"
        what = f"{err['ename']}: {err['evalue']}" if err else str(error).splitlines()[-1]
        print(f"notebooks: {name}, {where}: {what}", file=sys.stderr)
        return False
    lost = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and not c.get("outputs")]
    if lost:
        print(f"notebooks: {name}: cell(s) {', '.join(map(str, lost))} produced no output (lost after idle?)",
              file=sys.stderr)
        return False
    print(f"notebooks: {name}: {sum(c.cell_type == 'code' for c in nb.cells)} code cells ok → {out_dir}/{name}",
          file=sys.stderr)
    return True


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--output", default="output/notebooks")
    p.add_argument("--timeout", type=int, default=900)
    p.add_argument("notebooks", nargs="+")
    a = p.parse_args()
    ok = all([run_with_retry(nb, a.output, a.timeout) for nb in a.notebooks])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
