# Comprehensions of every kind (list, set, dict, generator), nested, with
# conditions, with a name that shadows an outer local, inside a function and inside
# a class body (3.12+ inlines list/set/dict comprehensions: .hidden locals).
def table(n):
    x = 'outer'
    squares = [x * x for x in range(n)]
    evens = {x for x in squares if x % 2 == 0}
    index = {x: i for i, x in enumerate(squares)}
    pairs = [(i, j) for i in range(n) for j in range(i) if (i + j) % 2]
    grid = [[i * j for j in range(3)] for i in range(3)]
    total = sum(v for v in squares)
    return x, squares, sorted(evens), index, pairs, grid, total


class Config:
    names = ['a', 'b', 'c']
    upper = [s.upper() for s in names]
    size = {s: len(s) for s in ['xx', 'yyy']}


print(table(5))
print(Config.upper, Config.size)
funcs = [lambda: k for k in range(3)]
print([f() for f in funcs])
