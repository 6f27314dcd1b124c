# Structural pattern matching: literal, capture, wildcard, value (dotted name),
# sequence (with a star), mapping (with **rest), class (positional through
# __match_args__ and keyword), or-patterns, as-patterns and guards.
class Point:
    __match_args__ = ('x', 'y')

    def __init__(self, x, y):
        self.x = x
        self.y = y


class Color:
    RED = 'red'
    BLUE = 'blue'


def describe(subject):
    match subject:
        case 0 | 1 as small:
            return 'small int %d' % small
        case True | False | None:
            return 'singleton %r' % (subject,)
        case Color.RED:
            return 'the red value'
        case str() as text if len(text) > 5:
            return 'long string ' + text
        case str(text):
            return 'short string ' + text
        case [x, y]:
            return 'pair %r %r' % (x, y)
        case [first, *middle, last]:
            return 'sequence %r..%r with %d inside' % (first, last, len(middle))
        case {'kind': 'circle', 'r': radius}:
            return 'circle of radius %r' % radius
        case {'kind': kind, **rest}:
            return 'shape %s with %s' % (kind, sorted(rest))
        case Point(0, 0):
            return 'origin'
        case Point(x, y=0):
            return 'on the x axis at %r' % x
        case Point(x=px, y=py) if px == py:
            return 'diagonal at %r' % px
        case Point():
            return 'some point'
        case _:
            return 'something else: %s' % type(subject).__name__


for subject in [0, 1, None, 'red', 'lengthy', 'hi', (1, 2), [1, 2, 3, 4],
                {'kind': 'circle', 'r': 2}, {'kind': 'box', 'w': 1, 'h': 2},
                Point(0, 0), Point(3, 0), Point(2, 2), Point(1, 5), 2.5, []]:
    print(describe(subject))
