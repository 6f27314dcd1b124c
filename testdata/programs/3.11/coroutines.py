# Coroutines driven by hand with coro.send(None): await on a custom awaitable that
# suspends, async with, async for over an async iterator and an async generator,
# async comprehensions, try/except/finally around await, and a coroutine's result
# carried by StopIteration.
class Pause:
    def __init__(self, label):
        self.label = label

    def __await__(self):
        got = yield self.label
        return 'resumed ' + self.label + ('' if got is None else ' with %r' % got)


class Resource:
    def __init__(self, log):
        self.log = log

    async def __aenter__(self):
        self.log.append('enter')
        await Pause('aenter')
        return self

    async def __aexit__(self, exc_type, exc, tb):
        self.log.append('exit ' + (exc_type.__name__ if exc_type else 'ok'))
        return exc_type is KeyError


class Countdown:
    def __init__(self, n):
        self.n = n

    def __aiter__(self):
        return self

    async def __anext__(self):
        if self.n <= 0:
            raise StopAsyncIteration
        self.n -= 1
        await Pause('tick%d' % self.n)
        return self.n


async def squares(n):
    for i in range(n):
        await Pause('sq%d' % i)
        yield i * i


async def work(log):
    msg = await Pause('start')
    log.append(msg)
    async with Resource(log) as res:
        log.append('inside %s' % type(res).__name__)
    async with Resource(log):
        raise KeyError('swallowed')
    async for k in Countdown(3):
        if k == 1:
            continue
        log.append('count %d' % k)
    found = [x async for x in squares(4) if x % 2 == 0]
    try:
        await Pause('risky')
        raise ValueError('boom')
    except ValueError as exc:
        log.append('caught %s' % exc)
    finally:
        log.append('finally')
    return sum(found), found


def run(coro):
    suspensions = []
    value = None
    while True:
        try:
            suspensions.append(coro.send(value))
        except StopIteration as stop:
            return suspensions, stop.value
        value = len(suspensions) if len(suspensions) == 1 else None


log = []
suspended, result = run(work(log))
print(suspended)
print(result)
for entry in log:
    print(' ', entry)
