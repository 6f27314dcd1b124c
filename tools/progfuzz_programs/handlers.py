# except clauses, `as` names, re-raise, nested handlers, exception state
import sys


class Custom(Exception):
    pass


def risky(k):
    if k % 3 == 0:
        raise Custom(k)
    if k % 3 == 1:
        return 10 // (k - k)
    return k


def handle(k):
    try:
        return risky(k)
    except Custom as e:
        try:
            raise ValueError(e.args[0])
        except ValueError as v:
            return -v.args[0]
        finally:
            assert sys.exc_info()[0] is Custom
    except ZeroDivisionError:
        return 'zero'
    finally:
        k += 1


def reraise(k):
    try:
        try:
            risky(k)
        except Exception:
            raise
    except Custom:
        return 'custom'
    except ArithmeticError:
        return 'arith'
    else:
        return 'fine'


print([handle(k) for k in range(7)], [reraise(k) for k in range(4)], sys.exc_info())
