"""cronsim as the reference of the crontab differential test (cronsim-differential.int-spec.ts beside it).

Reads JSON lines on stdin and answers each with one JSON line on stdout, in order:
  {"accept": expr}                   -> {"ok": bool, "error": str}: does Healthchecks' validator take it
                                        (five fields, CronSim accepts it and yields a first slot from 2000-01-01)
  {"e": expr, "z": zone, "s": ms, "n": count}
                                     -> {"slots": [ms...], "past": k, "backwards": bool}: cronsim's first
                                        `count` slots after the start; how many it yielded at or before the start
                                        first, and whether it then went back in time (it stops there): two cases
                                        decision 0017 names. Fewer slots if cronsim stops (50 years); "hung"
                                        when a next() did not return within BUDGET_SECONDS of CPU.
  {"offsets": zone, "at": [ms...]}   -> {"offsets": [ms...]}: the zone's UTC offsets, to check that both sides
                                        read the same tz database
Run with PYTHONTZPATH empty so zoneinfo reads the pinned tzdata package, never the system's copy.
"""

import json
import signal
import sys
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from cronsim import CronSim, CronSimError

ZONES = {}
# CPU seconds one triple may take: cronsim's next() can loop without end (decision 0017's
# `hangs-in-repeated-hour`); thirty slots take milliseconds.
BUDGET_SECONDS = 5


class Hung(Exception):
    pass


def hung(signum, frame):
    raise Hung()


def zone(name):
    z = ZONES.get(name)
    if z is None:
        z = ZONES[name] = ZoneInfo(name)
    return z


def ms(dt):
    return round(dt.timestamp() * 1000)


def accept(expr):
    if len(expr.split()) != 5:
        return {"ok": False, "error": "not five fields"}
    try:
        next(CronSim(expr, datetime(2000, 1, 1)))
    except (CronSimError, StopIteration) as error:
        return {"ok": False, "error": f"{type(error).__name__}: {error}"}
    return {"ok": True}


def slots(expr, zone_name, start, count):
    at = datetime.fromtimestamp(start / 1000, tz=zone(zone_name))
    it = CronSim(expr, at)
    out = []
    past = 0
    previous = None
    backwards = False
    stuck = False
    signal.setitimer(signal.ITIMER_VIRTUAL, BUDGET_SECONDS)
    try:
        # Bounded: at most a repeated hour's worth of instants at or before the start.
        for _ in range(count + 200):
            t = ms(next(it))
            if previous is not None and t <= previous:
                backwards = True
                break
            previous = t
            if t <= start:
                past += 1
                continue
            out.append(t)
            if len(out) == count:
                break
    except StopIteration:
        pass
    except Hung:
        stuck = True
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
    return {"slots": out, "past": past, "backwards": backwards, "hung": stuck}


def offsets(zone_name, instants):
    z = zone(zone_name)
    return {"offsets": [round(datetime.fromtimestamp(t / 1000, tz=timezone.utc).astimezone(z).utcoffset().total_seconds() * 1000) for t in instants]}


def main():
    signal.signal(signal.SIGVTALRM, hung)
    out = sys.stdout
    for line in sys.stdin:
        if not line.strip():
            continue
        q = json.loads(line)
        if "accept" in q:
            a = accept(q["accept"])
        elif "offsets" in q:
            a = offsets(q["offsets"], q["at"])
        else:
            a = slots(q["e"], q["z"], q["s"], q["n"])
        out.write(json.dumps(a, separators=(",", ":")))
        out.write("\n")
    out.flush()


if __name__ == "__main__":
    main()
