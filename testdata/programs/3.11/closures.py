# Nested functions: cell variables, free variables passed through two levels,
# nonlocal rebinding, an argument that is also a cell, and a lambda closure.
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
        def inner():
            return x + y
        return inner
    return middle()()


def adders(n):
    return [lambda v, k=k: v + k * n for k in range(3)]


inc, get = counter(10)
inc()
inc(5)
print(get(), inc.__code__.co_freevars, counter.__code__.co_cellvars)
print(outer(7))
print([f(100) for f in adders(2)])
print(outer.__code__.co_cellvars, inc.__closure__[0].cell_contents)
