# try/except/else/finally together with `with`: several handlers, raise from,
# re-raise, a return inside finally's protected block, a context manager that
# swallows an exception and one that does not, nested with and try.
class AppError(Exception):
    pass


class Guard:
    def __init__(self, tag, swallow):
        self.tag, self.swallow = tag, swallow

    def __enter__(self):
        print('enter', self.tag)
        return self.tag

    def __exit__(self, kind, value, tb):
        print('exit', self.tag, kind.__name__ if kind else None)
        return self.swallow


def risky(n):
    try:
        with Guard('r%d' % n, n == 3) as tag:
            if n == 0:
                raise ValueError('zero')
            if n == 1:
                return 10 // (n - 1)
            if n == 2:
                raise AppError('app') from KeyError('k')
            if n == 3:
                raise LookupError('swallowed')
            result = tag * 2
    except ValueError as e:
        print('ValueError', e)
        return -1
    except (ZeroDivisionError, KeyError) as e:
        print('caught', type(e).__name__)
        return -2
    else:
        print('no error')
        return result if n != 3 else 'after swallow'
    finally:
        print('finally', n)


for n in range(5):
    try:
        print('->', risky(n))
    except AppError as e:
        print('AppError', e, 'cause', repr(e.__cause__))

try:
    with Guard('a', False), Guard('b', False):
        try:
            [][1]
        except IndexError:
            print('re-raise')
            raise
        finally:
            print('inner finally')
except Exception as e:
    print(type(e).__name__)
print('e' in dir())
