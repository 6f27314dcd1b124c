# Parameters of every kind, and calls that fill them in several ways.
def f(a, b, /, c, d=4, *args, e, g=7, **kw):
    return (a, b, c, d, args, e, g, sorted(kw.items()))


def show(*args, **kwargs):
    print(len(args), sorted(kwargs))


print(f(1, 2, 3, e=5))
print(f(1, 2, c=3, d=40, e=5, g=70))
print(f(1, 2, 3, 4, 5, 6, e=None, x=8, y=9))
print(f(*[1, 2, 3], **{'e': 'E', 'z': 0}))
print(f.__defaults__, f.__kwdefaults__)
show()
show(1, 2, three=3)
try:
    f(1, b=2, c=3, e=5)
except TypeError as exc:
    print('TypeError:', exc)
