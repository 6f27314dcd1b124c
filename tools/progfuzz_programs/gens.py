# generators, closures, comprehensions and a coroutine driven by hand
def counter(n):
    try:
        for i in range(n):
            try:
                got = yield i
                if got:
                    return got
            finally:
                pass
    finally:
        pass


def closure(k):
    acc = [k]

    def add(x):
        acc.append(x)
        return sum(acc)
    return add


async def co(x):
    return x * 2


class ACtx:
    async def __aenter__(self):
        return 1

    async def __aexit__(self, typ, val, tb):
        return typ is KeyError


async def aw(k):
    async with ACtx() as v:
        if k:
            raise KeyError(k)
    return v + k


def drive(c):
    try:
        c.send(None)
    except StopIteration as e:
        return e.value


g = counter(5)
first = [next(g), next(g)]
try:
    g.send('stop')
except StopIteration as e:
    first.append(e.value)
add = closure(3)
print(first, list(counter(3)), add(4), add(5), {i: i * i for i in range(4)},
      [x for x in range(10) if x % 2], drive(co(21)), drive(aw(0)), drive(aw(2)))
