# Generators (yield, yield from with a return value, send()), a generator expression,
# and async functions (await, async with, async for) driven by coro.send(None).
def fib(limit):
    a, b = 0, 1
    while a < limit:
        yield a
        a, b = b, a + b


def sub():
    got = yield 'first'
    yield f'got {got}'
    return 'sub-done'


def delegator():
    result = yield from sub()
    yield result
    yield from fib(10)


class Tick:
    def __await__(self):
        yield 'tick'
        return 7


class Ctx:
    async def __aenter__(self):
        print('enter')
        return self

    async def __aexit__(self, *exc):
        print('exit', exc[0])
        return False


class ARange:
    def __init__(self, n):
        self.i, self.n = 0, n

    def __aiter__(self):
        return self

    async def __anext__(self):
        if self.i >= self.n:
            raise StopAsyncIteration
        self.i += 1
        return self.i


async def work(n):
    total = await Tick()
    async with Ctx() as c:
        async for v in ARange(n):
            total += v
    return total


def drive(coro):
    steps = []
    while True:
        try:
            steps.append(coro.send(None))
        except StopIteration as stop:
            return steps, stop.value


print(list(fib(50)))
g = delegator()
print(next(g), g.send('X'), list(g))
print(sum(x * x for x in range(5)))
print(drive(work(3)))
