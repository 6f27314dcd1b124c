# Closures: cell and free variables, a free variable passed through two levels,
# nonlocal rebinding, a parameter that is also a cell, and a lambda closure.
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
            return x + y + z
        return inner
    return middle


def adders():
    return [lambda v, i=i: v + i for i in range(3)], [lambda v: v + i for i in range(3)]


inc, get = counter(10)
inc()
inc(5)
print(get(), inc.__code__.co_freevars, counter.__code__.co_cellvars)
print(outer(3)()())
early, late = adders()
print([f(100) for f in early], [f(100) for f in late])
