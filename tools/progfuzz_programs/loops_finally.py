# break, continue and return through finally blocks, in nested loops
def walk(xs):
    total = 0
    for x in xs:
        try:
            if x % 5 == 0:
                continue
            if x > 40:
                break
            total += x
        finally:
            total ^= 1
    return total


def nested(n):
    out = []
    i = 0
    while i < n:
        i += 1
        for j in range(3):
            try:
                try:
                    if j == 1:
                        continue
                    if i * j > 8:
                        break
                    out.append(i * j)
                finally:
                    out.append(-1)
            finally:
                out.append(-2)
    return out


def early(x):
    try:
        for k in range(x):
            try:
                if k == 3:
                    return k
            finally:
                x += 1
    finally:
        x -= 1
    return x


print(walk(range(60)), nested(5), early(10), early(2))
