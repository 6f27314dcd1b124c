# A class hierarchy: __init__, methods, a property, classmethod, staticmethod,
# class attributes, super() (the __class__ cell), and f-strings in __repr__.
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

    def __repr__(self):
        return f'{type(self).__name__}({self.name!r})'


class Square(Shape):
    sides = 4

    def __init__(self, side):
        super().__init__('square')
        self.side = side

    @property
    def area(self):
        return self.side ** 2

    def describe(self):
        return super().describe() + f', area {self.area:>3} {self.unit()}2'


s = Square.make(3)
print(s.describe())
print(Shape('blob').describe(), repr(s), Square.__qualname__, Square.__mro__[1].__name__)
s.side = 5
print(s.area, isinstance(s, Shape), Square.__dict__['area'].__class__.__name__)
