# Generators: yield, yield from (with its return value), send(), throw(), a
# generator expression; and coroutines (async def / await on a hand-made
# awaitable) run without an event loop by a tiny send(None) driver.
def fib(limit):
    a, b = 0, 1
    while a < limit:
        yield a
        a, b = b, a + b


def inner():
    yield 1
    yield 2
    return 'inner done'


def chain():
    result = yield from inner()
    yield result
    yield from fib(5)


def accumulate():
    total = 0
    while True:
        try:
            value = yield total
        except ValueError:
            value = -100
        if value is None:
            break
        total += value
    return total


print(list(fib(100)))
print(list(chain()))
acc = accumulate()
next(acc)
print(acc.send(3), acc.send(4), acc.throw(ValueError))
try:
    acc.send(None)
except StopIteration as stop:
    print('returned', stop.value)
squares = (n * n for n in range(6) if n % 2)
print(sum(squares), list(squares))


class Tick:
    def __await__(self):
        value = yield 'tick'
        return value


async def add(a, b):
    got = await Tick()
    return a + b + got


async def twice(a, b):
    return await add(a, b) * 2


def run(coro):
    steps = []
    value = None
    while True:
        try:
            steps.append(coro.send(value))
        except StopIteration as stop:
            return steps, stop.value
        value = len(steps)


print(run(twice(20, 1)), twice.__code__.co_flags & 0x80 != 0)
