# except* (PEP 654): an ExceptionGroup split across two except* clauses, a clause
# that binds the sub-group, an unhandled remainder re-raised to an outer plain
# except, a nested group, and except* with else and finally.
def split(eg):
    try:
        raise eg
    except* ValueError as g:
        print('values:', [str(e) for e in g.exceptions])
    except* (KeyError, IndexError) as g:
        print('lookups:', sorted(type(e).__name__ for e in g.exceptions))
    else:
        print('nothing raised')
    finally:
        print('finally')


split(ExceptionGroup('g', [ValueError('a'), KeyError('b'), ValueError('c')]))
split(ExceptionGroup('g', [IndexError(1), ExceptionGroup('inner', [ValueError('d')])]))
try:
    split(ExceptionGroup('g', [TypeError('t'), ValueError('e')]))
except ExceptionGroup as rest:
    print('rest:', repr(rest.exceptions))
try:
    try:
        raise OSError('plain')
    except* OSError as g:
        print('wrapped plain:', type(g).__name__, g.exceptions)
except Exception:
    print('unreachable')
