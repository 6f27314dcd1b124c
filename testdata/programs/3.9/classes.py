# Classes: __init__, methods, a property with a setter, classmethod, staticmethod,
# class attributes, zero-argument super() (the __class__ cell), two-argument
# super(), a dunder method and inheritance over three levels.
class Shape:
    sides = 0

    def __init__(self, name):
        self.name = name

    def describe(self):
        return '%s with %d sides' % (self.name, self.sides)

    @classmethod
    def make(cls, *args):
        return cls(*args)

    @staticmethod
    def unit():
        return 'cm'


class Rect(Shape):
    sides = 4

    def __init__(self, w, h):
        super().__init__('rect')
        self.w, self.h = w, h

    @property
    def area(self):
        return self.w * self.h

    @area.setter
    def area(self, value):
        self.w = value // self.h

    def describe(self):
        return super().describe() + ', area %d' % self.area


class Square(Rect):
    def __init__(self, side):
        super(Square, self).__init__(side, side)
        self.name = 'square'

    def __eq__(self, other):
        return isinstance(other, Square) and self.w == other.w

    __hash__ = None


r = Rect.make(3, 4)
print(r.describe(), Shape.unit())
s = Square(5)
print(s.describe(), s == Square(5), s == r)
r.area = 40
print(r.w, r.area, type(Rect.area).__name__)
print([c.__name__ for c in Square.__mro__], Square.__hash__)
print(Rect.__init__.__code__.co_freevars, Square.__qualname__)
