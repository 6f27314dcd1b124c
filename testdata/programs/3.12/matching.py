# match statements: literal, capture, wildcard, sequence with star, mapping with
# **rest, class patterns (positional via __match_args__ and keyword), or-patterns,
# as-patterns, guards and value patterns (dotted names).
class Point:
    __match_args__ = ('x', 'y')

    def __init__(self, x, y):
        self.x, self.y = x, y


class Color:
    RED = 'red'


def describe(obj):
    match obj:
        case 0 | 1 as bit:
            return f'bit {bit}'
        case Color.RED:
            return 'the colour red'
        case str(s) if len(s) > 3:
            return f'long string {s}'
        case [x, y, *rest]:
            return f'seq {x} {y} rest={rest}'
        case {'kind': 'circle', 'r': r, **others}:
            return f'circle r={r} others={others}'
        case Point(0, y=yy):
            return f'on the y axis at {yy}'
        case Point(x, y) if x == y:
            return f'diagonal {x}'
        case Point():
            return 'some point'
        case None:
            return 'nothing'
        case _:
            return f'other {obj!r}'


for v in [0, 1, 'red', 'hello', 'hi', [1, 2], [1, 2, 3, 4], (5,),
          {'kind': 'circle', 'r': 2, 'c': 'b'}, {'kind': 'sq'},
          Point(0, 5), Point(3, 3), Point(1, 2), None, 2.5]:
    print(describe(v))
