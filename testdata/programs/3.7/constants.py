# Big and odd constants: huge ints (a literal and a folded power), negative zero,
# infinity from an overflowing literal and inf/nan from float(), complex numbers,
# bytes with every kind of escape, unicode beyond the BMP, nested tuples, a
# frozenset made by the compiler from `in {...}`, and the folded values' types.
huge = 123456789012345678901234567890123456789
folded = 2 ** 100
neg = -987654321098765432109876543210
print(huge, folded, neg, huge * neg)
nz = -0.0
print(nz, 1 / float('-inf'), str(nz) == '-0.0', 0.0 == nz)
big = 1e309
inf, nan = float('inf'), float('nan')
print(big, -big, big == inf, nan != nan, inf - inf)
z = 3 + 4j
print(z, abs(z), -2j, 1e300j * 1e300j, complex(nz, -0.0))
raw = b'\x00\xff\t\n\\\'"abc'
print(raw, len(raw), list(raw[:3]))
text = 'snake \U0001f40d, \u00e9t\u00e9, \u4e2d\u6587, \N{GREEK SMALL LETTER ALPHA}'
print(ascii(text), len(text), text.encode('utf-8')[:8])
nested = ((1, (2, (3, ('four', 5.0)))), (), ((),), (None, True, Ellipsis))
print(nested, len(nested))


def member(x):
    return x in {1, 2.5, 'three', b'four', (5, 6)}


print([member(v) for v in (1, 'three', (5, 6), 7)])
print(type(member.__code__.co_consts[-1]).__name__, sorted(map(repr, member.__code__.co_consts[-1])))
print(0o777, 0b1010, 0xFFFF_FFFF_FFFF_FFFF_FFFF, 1_000_000.5, .5e-10)
