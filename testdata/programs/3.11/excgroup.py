# Exception groups and except*: splitting a group between handlers, a handler
# naming the matched subgroup, re-raising what no handler took, raising inside an
# except* handler, nesting groups, and except* with a tuple of types.
def raiser(*excs):
    raise ExceptionGroup('batch', list(excs))


def handle(*excs):
    log = []
    try:
        try:
            raiser(*excs)
        except* ValueError as group:
            log.append('values %s' % sorted(str(e) for e in group.exceptions))
        except* (KeyError, IndexError) as group:
            log.append('lookups %d' % len(group.exceptions))
        except* ZeroDivisionError:
            log.append('division')
            raise RuntimeError('from handler')
    except* TypeError as rest:
        log.append('outer got %s' % [type(e).__name__ for e in rest.exceptions])
    except* RuntimeError as rest:
        log.append('outer runtime %r' % str(rest.exceptions[0]))
    return log


print(handle(ValueError('a'), ValueError('b')))
print(handle(KeyError('k'), IndexError('i'), ValueError('v')))
print(handle(TypeError('t'), ValueError('v')))
print(handle(ZeroDivisionError('z')))
try:
    handle(OSError('unhandled'))
except ExceptionGroup as eg:
    print('escaped', eg.message, [type(e).__name__ for e in eg.exceptions])

try:
    raise ExceptionGroup('outer', [ValueError(1), ExceptionGroup('inner', [KeyError(2)])])
except* KeyError as g:
    print('nested', type(g).__name__, repr(g.exceptions[0].exceptions[0]))
except* ValueError as g:
    print('flat', g.exceptions)
finally:
    print('done')
