# Parameters of every kind (positional-or-keyword, defaults, keyword-only with
# and without defaults, *args, **kwargs; no positional-only `/` before 3.8) and
# calls that fill them in several ways, including unpacking with * and **.
def f(a, b=2, c=3, *args, d, e=5, **kw):
    return (a, b, c, args, d, e, sorted(kw.items()))


def only_kw(*, x, y='y'):
    return x + y


def collect(*args, **kwargs):
    return len(args), sorted(kwargs)


print(f(1, d=4))
print(f(1, 20, 30, 40, 50, d=4, e=None, z=9))
print(f(*[1], **{'d': 'D', 'b': 'kw-b'}))
print(f(a=0, c=-3, d=4), f.__defaults__, f.__kwdefaults__)
print(only_kw(x='x'), only_kw(y='Y', x='X'), only_kw.__code__.co_kwonlyargcount)
print(collect(), collect(1, 2, three=3), collect(*'abc', **dict(k=1)))
try:
    f(1, a=1, d=4)
except TypeError as exc:
    print('TypeError:', type(exc).__name__)
print(f.__code__.co_varnames, f.__code__.co_flags & 0xC)
