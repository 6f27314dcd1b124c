# super() beyond the basics: cooperative multiple inheritance (the MRO), super()
# in a classmethod, in __init_subclass__ and in a property, the explicit
# two-argument form inside a closure and a lambda, and a class defined inside a
# function (a __class__ cell next to a free variable).
class Base:
    registry = []

    def __init_subclass__(cls, tag='', **kwargs):
        super().__init_subclass__(**kwargs)
        Base.registry.append((cls.__name__, tag))

    def __init__(self):
        self.trail = ['Base']

    def hello(self):
        return 'Base.hello'

    @classmethod
    def create(cls):
        return cls()


class Left(Base, tag='L'):
    def __init__(self):
        super().__init__()
        self.trail.append('Left')

    def hello(self):
        return 'Left>' + super().hello()


class Right(Base, tag='R'):
    def __init__(self):
        super().__init__()
        self.trail.append('Right')

    def hello(self):
        return 'Right>' + super().hello()


class Both(Left, Right, tag='LR'):
    def __init__(self):
        super().__init__()
        self.trail.append('Both')

    def hello(self):
        def inner():
            return super(Both, self).hello()
        later = lambda: super(Left, self).hello()
        return [inner(), later(), super().hello()]

    @classmethod
    def create(cls):
        obj = super().create()
        obj.trail.append('created')
        return obj

    @property
    def name(self):
        return '%s/%d' % (type(self).__name__, len(super().__thisclass__.__mro__))


def make_class(prefix):
    class Local(Both):
        def hello(self):
            return prefix + ':' + super().hello()[0]
    return Local


b = Both.create()
print(b.trail)
print(b.hello())
print(b.name, [c.__name__ for c in Both.__mro__])
print(Base.registry)
Local = make_class('local')
print(Local().hello(), Local.__qualname__, Base.registry[-1])
