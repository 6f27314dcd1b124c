# for and while loops with break, continue and else clauses; two comprehensions
# side by side (sibling code objects with the same name).
found = []
for n in range(2, 30):
    if n > 2 and n % 2 == 0:
        continue
    for d in range(3, n, 2):
        if n % d == 0:
            break
    else:
        found.append(n)
        continue
    if n > 25:
        break
print(found)

i = 0
total = 0
while True:
    i += 1
    if i % 3 == 0:
        continue
    if i > 10:
        break
    total += i
print(i, total)

words = ['alpha', 'beta', 'gamma']
while words:
    w = words.pop()
    if w.startswith('b'):
        print('stop at', w)
        break
else:
    print('never')
for x in ():
    pass
else:
    print('empty loop else')
print([x * 2 for x in range(3)], [c.upper() for c in 'ab' if c != 'b'])
