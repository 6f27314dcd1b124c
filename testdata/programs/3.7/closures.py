# Closures: cell variables, free variables passed through two levels, nonlocal
# rebinding from an inner function, an argument that is also a cell, a lambda
# closure in a comprehension and the late binding it shows.
def counter(start):
    count = start

    def inc(step=1):
        nonlocal count
        count += step
        return count

    def get():
        return count
    return inc, get


def outer(x):
    y = x * 2

    def middle():
        z = y + 1

        def inner():
            nonlocal z
            z += x
            return z
        return inner
    return middle()


def late():
    return [lambda: k for k in range(3)]


def bound():
    return [lambda k=k: k for k in range(3)]


inc, get = counter(10)
inc()
inc(5)
print(get(), inc.__code__.co_freevars, counter.__code__.co_cellvars)
f = outer(7)
print(f(), f(), f.__code__.co_freevars, outer.__code__.co_cellvars)
print([g() for g in late()], [g() for g in bound()])
print(inc.__closure__[0].cell_contents, type(f.__closure__[0]).__name__)
