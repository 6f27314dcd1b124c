# try/except/else/finally combined with `with`: a context manager that swallows
# one exception type, return inside try with a finally, raise from, re-raise, and
# nested handlers.
class Guard:
    def __init__(self, name, swallow=()):
        self.name, self.swallow = name, swallow

    def __enter__(self):
        print('enter', self.name)
        return self

    def __exit__(self, typ, val, tb):
        print('exit', self.name, typ.__name__ if typ else None)
        return typ is not None and issubclass(typ, self.swallow)


def risky(n):
    result = None
    try:
        with Guard('g%d' % n, KeyError) as g:
            if n == 0:
                raise KeyError('k')
            if n == 1:
                raise ValueError('v')
            if n == 2:
                return 'early'
            result = n * 10
    except ValueError as e:
        print('caught', repr(e))
        result = -1
    else:
        print('no exception')
    finally:
        print('finally', n)
    return result


def chained():
    try:
        try:
            1 / 0
        except ZeroDivisionError as e:
            raise RuntimeError('wrapped') from e
    except RuntimeError as e:
        print(repr(e), repr(e.__cause__))
        try:
            raise
        except RuntimeError:
            print('re-raised')


for i in range(4):
    print(risky(i))
chained()
