# Every kind of parameter: positional-only (/), defaults, keyword-only (after * and
# after *args), *args and **kwargs; keyword-only defaults; a lambda with defaults;
# calls with unpacking (*seq, **map) and f-strings with conversions and format specs.
def full(a, b=2, /, c=3, *args, d, e=5, **kwargs):
    return f'a={a} b={b} c={c} args={args} d={d} e={e} kw={sorted(kwargs.items())}'


def posonly(x, y, /):
    return x - y


def kwonly(*, key, reverse=False):
    return f'{key!r}:{reverse}'


def defaults(n, width=6, fill='*'):
    return f'{n:{fill}>{width}}|{n:<4}|{n:+.2f}|{n!s:^5}'


print(full(1, d=4))
print(full(1, 20, 30, 40, 50, d='D', z=9, y=8))
print(full(*[7, 8], **{'d': 0, 'e': 1, 'q': 2}))
print(posonly(10, 3))
try:
    posonly(x=1, y=2)
except TypeError:
    print('posonly refused keywords')
print(kwonly(key='k'), kwonly(key=3, reverse=True))
print(defaults(42), defaults(7, 3, '0'))
scale = lambda v, k=10, *, off=1: v * k + off
print(scale(2), scale(2, 3, off=0))
print(full.__defaults__, full.__kwdefaults__, full.__code__.co_posonlyargcount)
