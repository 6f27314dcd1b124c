# Nesting, written with pyasm's defaults: default arguments spread over several
# lines (on 3.8, same-offset lnotab entries), comprehensions (the `(.0)` signature),
# plain f-string fields (FORMAT_VALUE 0), a class with methods inside a function
# (NESTED, qualname make.<locals>.C.m), three levels of nested functions (filename,
# NESTED and qualname inherited at every depth).
def scale(x,
          factor=2,
          offset=None):
    return x * factor + (offset or 0)


def make(tag):
    class C:
        def m(self, v,
              sep=':'):
            return f'{tag}{sep}{v}'

        def all(self, vs):
            return [self.m(v) for v in vs]
    return C


def level1(a):
    def level2(b):
        def level3(c,
                   d=10):
            return a + b + c + d + sum(x for x in (a, b))
        return level3
    return level2


squares = [n * n for n in range(5)]
name = 'pyasm'
print(scale(3), scale(3, 3,
                      1))
print(squares, f'{name}', f'[{name!r:>9}]')
C = make('t')
print(C().m(4), C().all([1, 2]), C.m.__qualname__, C.all.__qualname__)
print(C.m.__code__.co_flags & 0x10, make.__code__.co_flags & 0x10)
print(level1(1)(2)(3), level1(1)(2).__qualname__, level1(1)(2).__code__.co_flags & 0x10)
print(scale.__defaults__, scale.__code__.co_firstlineno, C.m.__defaults__)
