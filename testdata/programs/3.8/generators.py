# Generators: yield, yield from, send(), return values, a generator expression;
# and coroutines (async def / await) driven by hand with send(None).
def fib(limit):
    a, b = 0, 1
    while a < limit:
        yield a
        a, b = b, a + b


def chain(*iterables):
    for it in iterables:
        result = yield from it
    return 'done'


def accumulate():
    total = 0
    while True:
        value = yield total
        if value is None:
            break
        total += value
    return total


print(list(fib(100)))
print(list(chain('ab', [1, 2], fib(5))))
acc = accumulate()
next(acc)
print(acc.send(3), acc.send(4))
try:
    acc.send(None)
except StopIteration as stop:
    print('returned', stop.value)
squares = (n * n for n in range(6) if n % 2)
print(sum(squares), list(squares))


async def add(a, b):
    return a + b


async def twice(a, b):
    return await add(a, b) * 2


coro = twice(20, 1)
try:
    coro.send(None)
except StopIteration as stop:
    print('coroutine returned', stop.value, twice.__code__.co_flags & 0x80 != 0)
