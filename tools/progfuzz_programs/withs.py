# with blocks: normal exit, return, break and continue out of them, exceptions
# swallowed by __exit__ and exceptions passed on
class Ctx:
    log = []

    def __init__(self, name, swallow=False):
        self.name, self.swallow = name, swallow

    def __enter__(self):
        Ctx.log.append('+' + self.name)
        return self

    def __exit__(self, typ, val, tb):
        Ctx.log.append('-' + self.name + ('!' if typ else ''))
        return self.swallow


def use(n):
    got = 0
    for i in range(n):
        with Ctx('a%d' % i) as c:
            if i == 1:
                continue
            with Ctx('b', swallow=True):
                if i == 2:
                    raise KeyError(i)
                got += 1
            if i == 3:
                break
    with Ctx('r'):
        return got


def passes():
    try:
        with Ctx('p'):
            1 / 0
    except ZeroDivisionError:
        return 'passed'


print(use(5), passes(), Ctx.log)
