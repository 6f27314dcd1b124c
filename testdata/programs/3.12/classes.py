# Classes: __init__, methods, super() in __init__ and in a method (the __class__
# cell), a property, classmethod, staticmethod, class attributes, __repr__ with an
# f-string, and a three-level hierarchy.
class Shape:
    sides = 0

    def __init__(self, name):
        self.name = name

    def describe(self):
        return f'{self.name} with {self.sides} sides'

    @classmethod
    def make(cls, *args):
        return cls(*args)

    @staticmethod
    def unit():
        return 'cm'

    def __repr__(self):
        return f'{type(self).__name__}({self.name!r})'


class Rect(Shape):
    sides = 4

    def __init__(self, w, h):
        super().__init__('rect')
        self.w, self.h = w, h

    @property
    def area(self):
        return self.w * self.h

    def describe(self):
        return super().describe() + f', area {self.area}{self.unit()}'


class Square(Rect):
    def __init__(self, s):
        super().__init__(s, s)
        self.name = 'square'


shapes = [Shape('blob'), Rect.make(2, 3), Square(4)]
for s in shapes:
    print(repr(s), '->', s.describe())
print(Square.__mro__[1:3], Rect.describe.__code__.co_freevars)
