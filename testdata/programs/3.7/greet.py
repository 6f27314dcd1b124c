def greet(name, greeting="Hello"):
    return f"{greeting}, {name}!"


def main():
    names = ["Ada", "", "Grace", "Linus"]
    count = 0
    for name in names:
        if not name:
            continue
        try:
            print(greet(name))
            count += 1
        finally:
            print(f"  done with {name!r} ({len(name)} letters)")
    print(greet("world", greeting="Goodbye"))
    print(f"greeted {count} of {len(names)}: {count / len(names):.2f}")


main()
