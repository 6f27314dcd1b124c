# Big and odd constants: huge positive and negative ints, -0.0, inf, nan, complex,
# bytes with escapes, non-ASCII and astral unicode, nested tuples, frozensets (from
# `in {...}`), and an empty tuple. Printed with ascii() to keep the output ASCII.
import math

huge = 123456789012345678901234567890123456789
neg = -98765432109876543210987654321
print(huge, neg, huge * neg, 2 ** 100, 0x7fffffff, 0x80000000, -2147483649)
z = -0.0
print(z, math.copysign(1.0, z), 1e308 * 10, -float('inf'), float('inf'))
print(math.isnan(float('nan')), 1.5e-300, 0.1 + 0.2)
print(3j, 1 + 2j, -1.5j, complex(0, -0.0))
print(ascii(b'\x00\xff\n\'"bytes'), b'' == bytes())
print(ascii('caf\xe9 \u20ac \U0001f600 \u00e9t\u00e9'), len('\U0001f600'))
nested = ((1, (2, (3, ('deep', None, True)))), (), (1.0,), b'x')
print(nested)


def member(v):
    return v in {1, 2, 'three', (4, 5)}, v not in frozenset({-0.0})


print([member(v) for v in (1, 'three', (4, 5), 6)], member(0))
print(..., Ellipsis is ..., None)
