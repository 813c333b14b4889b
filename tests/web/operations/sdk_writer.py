"""A process that writes decision records through the SDK until it is killed (crash tests).

    python -m tests.web.operations.sdk_writer URL SYSTEM_ID KEY SPOOL COUNT

Writes records ``{"n": 0}``, ``{"n": 1}`` … in small groups and prints one JSON
line per acknowledged batch, flushed, so the test sees acknowledgements up to the kill.
"""

from __future__ import annotations

import json
import sys
import time

from tianping.sdk import Ack, Client


def _print_ack(ack: Ack) -> None:
    print(json.dumps({"first": ack.first, "last": ack.last, "index": ack.first_index}), flush=True)


def main() -> None:
    url, system_id, key, spool, count = sys.argv[1:6]
    client = Client(
        url,
        system_id=int(system_id),
        api_key=key,
        spool_dir=spool,
        batch_size=50,
        linger_s=0.02,
        max_backoff_s=0.2,
        on_ack=_print_ack,
    )
    for first in range(0, int(count), 10):
        client.record_many([{"n": n} for n in range(first, min(int(count), first + 10))])
        time.sleep(0.002)
    client.flush(timeout_s=60)
    print("done", flush=True)
    time.sleep(60)  # wait to be killed


if __name__ == "__main__":
    main()
