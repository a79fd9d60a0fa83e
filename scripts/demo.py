#!/usr/bin/env python3
"""The three-terminal tutorial in one command: a tracker and N nodes on their own loopback addresses.

    scripts/demo.py [--nodes 4] [--attackers 0] [--blocks 20] [--duration 300] [--keep] [--obol PATH]

- Starts `obol tracker` and N `obol node` processes on the devnet, each on its own address (127.0.3.1,
  127.0.3.2, ...), all finding each other through the tracker. Nodes 1 and 2 mine, one thread each.
- Funds one demo wallet per node from the devnet's public allocation key, then has the wallets pay each
  other, each through a node chosen at random.
- With --attackers K, starts K `obol attack` processes (the Python design's resilience demonstration). Each
  follows the chain with a node of its own, then sends each lie over new connections from a loopback address
  of its own (127.0.4.x): a block with a forged signature, a block whose hash misses its target, a block with
  a wrong Merkle root, a block spliced into the middle of the chain, a mined transfer replayed alone and in a
  block, one nonce spent twice at two nodes and in one block, and a longer chain from genesis with less work.
- Shows a live table (redrawn in place on a terminal, plain lines otherwise): each node's height, tip,
  peers, mempool and bans.
- Stops once every node has at least BLOCKS blocks, every wallet has been funded and has paid another (one
  payment per node in all), every transfer is mined, and all nodes report the same tip. Then it prints a
  summary: whether the nodes agree on the tip and on every wallet's balance, and how long a block took to
  reach all of them (p50 and max, from polling every 0.1 s, so to within about 0.1 s), and what each attacker
  tried and which nodes discouraged it (`GET /peers/discouraged`).
- Exits 0 when the nodes converged and agree and every attack was refused (a rule breaker discouraged, the
  fork not adopted, no transfer applied twice) with no honest node discouraged, 1 otherwise (or after
  DURATION seconds). Stops every process
  it started, on Ctrl-C too, and removes its data directory unless --keep is given.

Uses only the `obol` command and its HTTP API, and talks only to 127.0.0.0/8.
"""
import argparse
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

DEVNET_KEY = "0b01000000000000000000000000000000000000000000000000000000000de7"
# The demo's key files are encrypted under this passphrase, given to `obol wallet` and `obol attack` through
# OBOL_PASSPHRASE, with the cheapest scrypt cost (--scrypt-log2n 10): they hold throwaway devnet keys.
DEMO_ENVIRONMENT = dict(os.environ, OBOL_PASSPHRASE="obol demo")
CHEAP_KDF = ["--scrypt-log2n", "10"]
TRACKER = "127.0.0.1:19450"


def host(index):
    return f"127.0.3.{index + 1}"


def attacker_host(index):
    """The first loopback address of attacker `index`: its own node dials from it, its attacks from the next."""
    return f"127.0.4.{16 * (index + 1)}"


def get(url, timeout=2):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as reply:
            return json.loads(reply.read())
    except Exception:
        return None


class Demo:
    def __init__(self, args):
        self.args = args
        self.root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        self.obol = os.path.abspath(args.obol) if args.obol else os.path.join(self.root, ".build", "release", "obol")
        self.work = tempfile.mkdtemp(prefix="obol-demo.")
        self.processes = []
        self.wallets = []  # (key file, address)
        self.seen = {}  # block hash -> {node: first time seen as tip}
        self.sent = 0
        self.refused = 0
        self.payments = 0  # wallet-to-wallet transfers accepted
        self.attackers = []  # (process, key file, address, report file)
        self.attackers_funded = False

    # Processes

    def start(self, name, arguments):
        log = open(os.path.join(self.work, name + ".log"), "w")
        process = subprocess.Popen([self.obol] + arguments, stdout=log, stderr=subprocess.STDOUT, env=DEMO_ENVIRONMENT)
        self.processes.append(process)
        return process

    def stop(self):
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.time() + 10
        for process in self.processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                process.kill()
        if self.args.keep:
            print(f"data kept in {self.work}")
        else:
            shutil.rmtree(self.work, ignore_errors=True)

    def wallet(self, *arguments):
        result = subprocess.run([self.obol, "wallet", *arguments], capture_output=True, text=True, timeout=30,
                                env=DEMO_ENVIRONMENT, stdin=subprocess.DEVNULL)
        return result.returncode, result.stdout, result.stderr

    # The network

    def launch(self):
        if not self.args.obol:
            build = subprocess.run(["swift", "build", "-c", "release", "--product", "obol"], cwd=self.root,
                                   capture_output=True, text=True)
            if build.returncode != 0:
                sys.exit("the build failed:\n" + build.stdout[-2000:] + build.stderr[-2000:])
        self.start("tracker", ["tracker", "--listen", TRACKER, "--heartbeat", "5"])
        time.sleep(1)
        for index in range(self.args.nodes):
            arguments = ["node", "--data-dir", os.path.join(self.work, f"node{index + 1}"),
                         "--listen", f"{host(index)}:9333", "--http-host", host(index), "--http-port", "8080",
                         "--tracker", f"http://{TRACKER}", "--log-level", "warning"]
            if index < 2:
                arguments += ["--mine", "--threads", "1"]
            self.start(f"node{index + 1}", arguments)
        devnet = os.path.join(self.work, "devnet.json")
        self.wallet("import", "--key", DEVNET_KEY, "--key-file", devnet, *CHEAP_KDF)
        self.wallets.append((devnet, None))
        for index in range(self.args.nodes):
            path = os.path.join(self.work, f"wallet{index + 1}.json")
            self.wallets.append((path, self.new_wallet(path)))
        for index in range(self.args.attackers):
            key_file = os.path.join(self.work, f"attacker{index + 1}.json")
            report = os.path.join(self.work, f"attacker{index + 1}.report.json")
            targets = [f"{host((index + offset) % self.args.nodes)}:9333" for offset in (0, 1)]
            address = self.new_wallet(key_file)
            process = self.start(f"attacker{index + 1}", [
                "attack", "--target", targets[0], "--target", targets[1], "--from", attacker_host(index),
                "--key-file", key_file, "--report", report, "--after-height", "12",
                "--wait", str(self.args.duration)])
            self.attackers.append((process, key_file, address, report))

    def new_wallet(self, path):
        _, out, _ = self.wallet("new", "--key-file", path, *CHEAP_KDF)
        return next((line.split()[-1] for line in out.splitlines() if line.startswith("Address")), None)

    def status(self, index):
        return get(f"http://{host(index)}:8080/status")

    def bans(self, index):
        """Manual bans and discouraged hosts."""
        bans = get(f"http://{host(index)}:8080/peers/bans")
        discouraged = self.discouraged(index)
        return (len(bans["bans"]) if bans else 0) + len(discouraged)

    def discouraged(self, index):
        reply = get(f"http://{host(index)}:8080/peers/discouraged")
        return reply["discouraged"] if reply else []

    def fund_attackers(self):
        """The allocation key pays each attacker 5 coins, for its double spend."""
        for _, _, address, _ in self.attackers:
            self.wallet("send", "--key-file", self.wallets[0][0], "--to", address, "--amount", "5",
                        "--node", f"http://{host(0)}:8080")
        self.attackers_funded = True

    def pay(self, funded):
        """One transfer: the allocation key funds a wallet, or a funded wallet pays another."""
        node = f"http://{host(random.randrange(self.args.nodes))}:8080"
        recipients = [address for _, address in self.wallets[1:]]
        unfunded = [address for path, address in self.wallets[1:] if path not in funded]
        if funded and (not unfunded or random.random() < 0.5):
            payer, amount = random.choice(funded), "0.5"
            own = dict(self.wallets).get(payer)
            to = random.choice([address for address in recipients if address != own])
        else:
            payer, amount, node = self.wallets[0][0], "5", f"http://{host(0)}:8080"
            to = random.choice(unfunded or recipients)
        code, _, _ = self.wallet("send", "--key-file", payer, "--to", to, "--amount", amount, "--node", node)
        self.sent += 1
        if code != 0:
            self.refused += 1
        elif payer != self.wallets[0][0]:
            self.payments += 1

    def funded_wallets(self):
        funded = []
        for path, address in self.wallets[1:]:
            account = get(f"http://{host(0)}:8080/accounts/{address}")
            if account and account.get("balance", 0) >= 100_000_000:
                funded.append(path)
        return funded

    # The live table

    def table(self, statuses):
        lines = [f"{'node':<16}{'height':>7}  {'tip':<14}{'peers':>6}{'mempool':>9}{'bans':>6}"]
        for index, status in enumerate(statuses):
            if status is None:
                lines.append(f"{host(index):<16}{'(starting)':>7}")
                continue
            lines.append(f"{host(index):<16}{status['height']:>7}  {status['tip'][:12]:<14}{status['peers']:>6}"
                         f"{status['mempoolSize']:>9}{self.bans(index) or 0:>6}")
        lines.append(f"transfers sent: {self.sent} ({self.refused} refused by the node), "
                     f"{self.payments} between demo wallets")
        if self.attackers:
            running = sum(process.poll() is None for process, _, _, _ in self.attackers)
            lines.append(f"attackers: {running} of {len(self.attackers)} still attacking")
        return "\n".join(lines)

    def run(self):
        tty = sys.stdout.isatty()
        start = time.time()
        last_print = last_pay = 0.0
        while time.time() - start < self.args.duration:
            now = time.time()
            statuses = []
            for index in range(self.args.nodes):
                status = self.status(index)
                statuses.append(status)
                if status:
                    self.seen.setdefault(status["tip"], {}).setdefault(index, time.time())
            if all(statuses):
                heights = [status["height"] for status in statuses]
                funded = self.funded_wallets() if now - last_pay > 1 else None
                done_paying = self.payments >= self.args.nodes and funded is not None \
                    and len(funded) == len(self.wallets) - 1
                if not self.attackers_funded and min(heights) >= 1:
                    self.fund_attackers()
                if funded is not None and not done_paying and min(heights) >= 1:
                    self.pay(funded)
                    last_pay = now
                attacking = any(process.poll() is None for process, _, _, _ in self.attackers)
                if done_paying and not attacking and min(heights) >= self.args.blocks \
                        and len({status["tip"] for status in statuses}) == 1 \
                        and all(status["mempoolSize"] == 0 for status in statuses):
                    self.show(statuses, tty, force=True)
                    return self.summary(statuses)
            if tty or now - last_print >= 5:
                self.show(statuses, tty)
                last_print = now
            time.sleep(0.1)
        print(f"not converged after {self.args.duration} s")
        return 1

    def show(self, statuses, tty, force=False):
        text = self.table(statuses)
        if tty:
            sys.stdout.write("\x1b[H\x1b[J" + text + "\n")
        else:
            print(text + "\n")
        sys.stdout.flush()

    def summary(self, statuses):
        tip = statuses[0]["tip"]
        disagreements = []
        for path, address in self.wallets:
            if address is None:
                continue
            balances = {(get(f"http://{host(index)}:8080/accounts/{address}") or {}).get("balance")
                        for index in range(self.args.nodes)}
            if len(balances) != 1:
                disagreements.append(f"{address}: {sorted(balances, key=str)}")
        spreads = [max(times.values()) - min(times.values())
                   for times in self.seen.values() if len(times) == self.args.nodes]
        print("summary:")
        print(f"  {self.args.nodes} nodes agree on tip {tip[:16]} at height {statuses[0]['height']}")
        print(f"  balances of {len(self.wallets) - 1} demo wallets: "
              + ("the same on every node" if not disagreements else "DIFFER: " + "; ".join(disagreements)))
        if spreads:
            print(f"  a block reached all nodes in p50 {statistics.median(spreads) * 1000:.0f} ms, "
                  f"max {max(spreads) * 1000:.0f} ms after the first had it (over {len(spreads)} blocks; "
                  f"each node is polled every 100 ms, so this is accurate to about 100 ms)")
        print(f"  transfers sent: {self.sent}, refused by the node: {self.refused}")
        refused = self.attack_summary(tip)
        return 0 if not disagreements and refused else 1

    def attack_summary(self, tip):
        """Prints what each attacker tried and who discouraged it; true when every attack was refused and no
        honest node was discouraged."""
        if not self.attackers:
            return True
        discouraged = {index: {entry["host"]: entry["reason"] for entry in self.discouraged(index)}
                       for index in range(self.args.nodes)}
        all_refused = True
        print("attacks:")
        for number, (process, _, _, report_path) in enumerate(self.attackers, start=1):
            try:
                with open(report_path) as file:
                    reports = json.load(file)
            except (OSError, ValueError):
                print(f"  attacker {number}: no report (exit status {process.returncode})")
                all_refused = False
                continue
            for report in reports:
                verdict, refused = self.verdict(report, discouraged, tip)
                all_refused &= refused
                print(f"  attacker {number} {report['attack']} from {report['source']}: "
                      + "; ".join(report["sent"]))
                print(f"      {'refused' if refused else 'NOT REFUSED'}: {verdict}")
        honest = {host(index) for index in range(self.args.nodes)} | {attacker_host(index)
                                                                     for index in range(self.args.attackers)}
        punished = sorted({(host(index), bad) for index, hosts in discouraged.items() for bad in hosts if bad in honest})
        if punished:
            all_refused = False
            print("  honest peers discouraged: " + ", ".join(f"{bad} by {by}" for by, bad in punished))
        else:
            print("  no honest peer was discouraged (the attackers' own following nodes included)")
        return all_refused

    def verdict(self, report, discouraged, tip):
        if report.get("failure"):
            return "could not run: " + report["failure"], False
        by = [f"{host(index)} ({hosts[report['source']]})" for index, hosts in discouraged.items()
              if report["source"] in hosts]
        parts = []
        refused = True
        if report["attack"] == "low-work-fork":
            adopted = report.get("forkTip") == tip
            refused = not adopted
            parts.append("no node switched to it" if not adopted else "the nodes ADOPTED it")
            parts.append("it breaks no rule, so no one was discouraged" if not by else "discouraged by " + ", ".join(by))
            return "; ".join(parts), refused
        if report["attack"] in ("replayed-transfer", "double-spend"):
            confirmed = [txid for txid in report["transfers"]
                         if (get(f"http://{host(0)}:8080/transactions/{txid}") or {}).get("status") == "confirmed"]
            refused = len(confirmed) <= 1
            parts.append(f"{len(confirmed)} of {len(report['transfers'])} transfers confirmed, each once")
        if by:
            parts.append("discouraged by " + ", ".join(by))
        else:
            refused = False
            parts.append("NOT discouraged by any node")
        return "; ".join(parts), refused


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=4, help="nodes to start (2 to 50)")
    parser.add_argument("--attackers", type=int, default=0, help="attacker processes to start (0 to 5)")
    parser.add_argument("--blocks", type=int, default=20, help="height every node must reach")
    parser.add_argument("--duration", type=int, default=300, help="seconds before giving up")
    parser.add_argument("--keep", action="store_true", help="keep the data directories and logs")
    parser.add_argument("--obol", help="the obol binary to run, instead of building .build/release/obol")
    args = parser.parse_args()
    if not 2 <= args.nodes <= 50:
        parser.error("--nodes must be from 2 to 50")
    if not 0 <= args.attackers <= 5:
        parser.error("--attackers must be from 0 to 5")
    if args.blocks < 1 or args.duration < 1:
        parser.error("--blocks and --duration must be positive")
    demo = Demo(args)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(130))
    try:
        demo.launch()
        code = demo.run()
    except KeyboardInterrupt:
        code = 130
    finally:
        demo.stop()
    sys.exit(code)


if __name__ == "__main__":
    main()
