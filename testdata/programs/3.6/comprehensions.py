# Comprehensions of every kind (list, set, dict, generator expression), nested
# loops and conditions, a comprehension that closes over a function's local, and
# f-strings: conversions (!r !s !a), format specs, nested fields in a spec, and
# literal braces (no `=` specifier before 3.8).
def table(n):
    scale = 10
    return {k: [k * j * scale for j in range(k) if j % 2 == 0] for k in range(n)}


words = ['pear', 'fig', 'apple', 'kiwi']
print([w.upper() for w in words if len(w) > 3])
print(sorted({len(w) for w in words}))
print(table(4))
print([(x, y) for x in range(3) for y in 'ab' if x != 1])
print(sum(len(w) for w in words), max((len(w), w) for w in words))
print({w[0]: i for i, w in enumerate(words)})

name, width, pi = 'caf\xe9', 8, 3.14159
print(f'{name!r:>{width}}|{name!s}|{name!a}|{{literal}}')
print(f'{pi:.3f} {pi:{width}.{2}f} {255:#x} {1234567:,} {-0.5:+.1%}')
print(f'{"nested " + name.title()} {[w for w in words][1]} {width * 2}')
