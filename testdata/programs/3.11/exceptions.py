# try/except/else/finally, several handlers, raise from, re-raise, nested try,
# an exception variable that is deleted at the end of its handler, and a with
# statement whose context manager swallows an exception.
class AppError(Exception):
    pass


def risky(n):
    try:
        if n == 0:
            raise ValueError('zero')
        if n == 1:
            return 10 // (n - 1)
        if n == 2:
            raise AppError('app') from KeyError('k')
        result = n * 2
    except ValueError as e:
        print('ValueError', e)
        return -1
    except (ZeroDivisionError, KeyError) as e:
        print('caught', type(e).__name__)
        return -2
    else:
        print('no error')
        return result
    finally:
        print('finally', n)


for n in range(4):
    try:
        print('->', risky(n))
    except AppError as e:
        print('AppError', e, 'cause', repr(e.__cause__))

try:
    try:
        [][1]
    except IndexError:
        print('re-raise')
        raise
except Exception as e:
    print(type(e).__name__)
print('e' in dir())


class Suppress:
    def __enter__(self):
        print('enter')
        return self

    def __exit__(self, kind, value, tb):
        print('exit', kind.__name__ if kind else None)
        return kind is not None and issubclass(kind, LookupError)


with Suppress() as s:
    {}['missing']
    print('not reached')
with Suppress():
    print('inside')
