/* The cache-hit path of crossops's dispatch, in C.
 *
 * A generated op function (crossops/_dispatch.py) costs one Python frame before the
 * backend's own function runs: ~0.1 us, more than the 10% of a 1 us torch call the
 * budget allows. `front(...)` wraps such a function in a builtin that handles the
 * common call itself:
 *
 *   the call passes the op's array arguments by position, and its other parameters by
 *   position or keyword as the signature allows (where the front has the parameters'
 *   names; no dtype other than None); the array arguments all have one type; that
 *   type is in the op's cache; and, for promoted ops, the two promoted arrays have one
 *   dtype
 *
 * Then the builtin calls the op's plain function for that type (a backend's own
 * function that returns what crossops's returns, or raises: see AT_DEFAULTS in
 * crossops/backends), for a call of the required arguments only, or else its cached
 * function with every parameter, the ones not given at their defaults, as the
 * generated function would.
 * A promoted op's call of its required arguments whose arrays differ in type or dtype
 * (`x + 1.0`, float32 + float64) calls the function its `Op.slow` has cached for the
 * arguments' types, as `slow` would. Anything else (a keyword the front does not know,
 * such as NumPy's where= that the generated function handles itself, a dtype, a cache
 * miss) goes to the generated Python function, which resolves and fills the cache. A
 * fast call that raises is not run again: the front hands the exception, with the values
 * it passed for the op's parameters, to the op's ``fail`` hook (``Op.failed``), which
 * raises it as the generated function's except clause would (naming the op); the call of
 * a plain function that raises goes to the generated function, which takes the call on
 * its own path (torch.unsqueeze refuses a tuple axis that the op's function takes); an
 * exception that is not an Exception (KeyboardInterrupt) propagates as it is. A front of a keras.ops form (crossops._keras_ops) whose dtype rule
 * changes some dtypes of the arrays (`ops.sum` of int8 accumulates in int32) has the set
 * of the other dtypes: a call whose first array has a dtype outside it goes to the form.
 * A front may also convert the result (``post``: a keras.ops form whose rule casts it,
 * ``ops.argmax``'s int32): a dict of array type -> the cast of a result for that type,
 * called on the result of a fast call; a call whose array type is not in it goes to the
 * generated function. Where a backend makes the result in that dtype at once
 * (``direct``: array type -> such a function of the op's parameters, TensorFlow's int32
 * argmax), the front calls that function in place of the cached one and the cast.
 * A keras.ops form whose rule acts on Python scalars only beside some dtypes (``weak``:
 * ``ops.add(int8_array, 1.0)`` is float32, ``ops.add(float16_array, 1.0)`` float16 as
 * in crossops.numpy) takes a call of mixed types through ``mixed`` only where no Python
 * scalar meets an array of a dtype outside ``weak``.
 * An op whose first parameter is a sequence of arrays (`concatenate([x, y], axis=1)`)
 * has a front too (``seq``): its cache is keyed on the tuple of the types of the items
 * of a list or tuple, as the generated function keys it, and every call takes the path
 * with options. A keras.ops form that promotes the items to one dtype first
 * (``ops.concatenate``, ``ops.stack``: ``uniform``) takes only calls whose items have one
 * dtype already (where its promotion changes nothing).
 * A sequence op's call of its sequence alone calls the op's plain function for its key
 * (a backend's AT_DEFAULTS: ``torch.stack``) where there is one.
 * A call with options (`sum(x, axis=0)`, `max(x, axis=1, keepdims=True)`) whose array
 * type the op's ``options`` has (a backend's ``AT_OPTIONS``) calls the framework's own
 * function there (``torch.sum``) with the required arguments and the named options by
 * position (or in the order the entry gives: ``torch.index_select(x, axis, indices)`` for
 * ``take(x, indices, axis=0)``, where the arguments have the attributes the entry
 * requires: ``x.is_cpu``, ``indices.ndim == 1``), where those options hold an int (an
 * axis) or a bool and every other option
 * its default (a sequence op's: its cache key, the items of one dtype and one number of
 * dimensions, ``torch.cat``); a call that raises goes on to the cached function, which
 * raises the op's error. Where the cached function wraps a backend's partial function
 * (which returns NotImplemented for a call its framework does not take; ``partials``),
 * the front calls that one, and the cached one only where it returns NotImplemented.
 * An op of several arrays, not promoted, whose call gives them of other types
 * (``repeat(x, 2, axis=0)``: a tensor and an int) calls the function its cache has for
 * the tuple of their types, as the generated function keys it (or ``options``' entry for
 * that tuple: ``torch.repeat_interleave``).
 * A binary op's call of an array and a Python float (``maximum(x, 0.0)``) calls the
 * function and the 0-d array of the float that the op's slow path keeps for them, got
 * once from the op (``scalar_plan``) and kept for the calls that repeat them.
 * An op whose second required parameter is a dtype that keys its cache beside the array's
 * type (``astype(x, dtype)``: ``keyed``) takes a call whose dtype is an object of the
 * backend's own dtype class for the array's type (``torch.dtype`` for a tensor), or that
 * is one of the backend's own dtype objects (NumPy's, one per class), which the generated
 * function's conversion returns as it is, or a dtype's name (``'float16'``), which the
 * front replaces by the backend's dtype of that name; every call takes the path with
 * options, keyed on the tuple (array type, dtype class).
 * An op whose required axis must name an axis of size 1 (``squeeze``: ``unit``) calls
 * its plain function (``torch.squeeze``) only where that axis is an int, and keeps its
 * result only where it has one dimension fewer than the first array (torch.squeeze keeps
 * an axis of another size, where the op raises: the cached function takes that call).
 * An op whose required axes its plain function takes otherwise than NumPy where they
 * name no axis of the first array (``swapaxes``: torch.transpose takes axis 0 of a 0-d
 * tensor: ``ranked``) calls it only where they are ints in range of its dimensions.
 * An options route for an op whose second required argument counts equal sections along
 * its axis (``split(x, 2, axis=1)``: torch.chunk) is taken only where that count is a
 * positive int that divides the axis's length, and its pieces are given as a list.
 * A call that gives required arguments by keyword and nothing else (``squeeze(x,
 * axis=0)``, ``expand_dims(x, axis=0)``) is taken as the call that gives them by
 * position. A front with ``numbers`` (``clip``) takes options that
 * hold None or a Python int or float other than NaN too (``torch.clamp(x, -1, 1)``).
 * A keras.ops form that requires parameters the op has as optional ones (Keras's
 * ``clip(x, x_min, x_max)``: ``least``) takes only calls that give at least that many
 * arguments; the form itself raises Keras's TypeError for a call of fewer.
 * The builtin is a function of a small module object holding its state, so it reads as
 * `<built-in function add>`.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stddef.h>

#define MAX_PARAMS 16
#define MAX_AXES 4

/* an ``options`` entry (see Front) read into C values once: the function (or dict by
 * dtype), the parameters its options come from (``~i``: an axis to check against the
 * first array's number of dimensions), its order of the arguments, the attributes the
 * required arguments must have, the parameter counting equal sections (or -1), and
 * whether axes may be tuples or lists of ints */
typedef struct {
    PyObject *f, *order, *requires;  /* (borrowed from the entry, which the front holds) */
    Py_ssize_t n;
    Py_ssize_t index[MAX_PARAMS];
    Py_ssize_t sections;
    int sequences;  /* its axes may also be a tuple or list of ints, which it checks */
} Route;

typedef struct {
    PyObject *fallback;  /* the generated Python function */
    PyObject *cache;     /* dict: array type -> function taking every argument */
    PyObject *plain;     /* dict: array type -> function (or dict: dtype -> function)
                            taking the required arguments only */
    PyObject *mixed;     /* promoted ops: dict (Op._slow_cache): the arguments' types ->
                            function; else NULL */
    PyObject *defaults;  /* tuple: the optional parameters' defaults */
    PyObject *kwnames;   /* tuple: names of the parameters passed by keyword, or NULL */
    PyObject *names;     /* tuple: names of the parameters (required, then optional in
                            the order of defaults), or NULL (a fast call gives the
                            required ones only, by position) */
    Py_ssize_t npos;     /* how many parameters may come by position */
    Py_ssize_t kwfrom;   /* the first that may come by keyword (the others: positional
                            only) */
    Py_ssize_t convert;  /* the parameter that must be None (a dtype, which the generated
                            function converts), or -1 */
    Py_ssize_t nreq;     /* required parameters: the arguments of a fast call */
    Py_ssize_t ntyped;   /* leading arguments that must come by position */
    Py_ssize_t ntypes;   /* the arrays among them that must share one type: how many, */
    Py_ssize_t typed[MAX_PARAMS];  /* and their indices (0 first: the leading ones, or
                            with a parameter between them, ``slice_update``'s starts) */
    Py_ssize_t dtype_a;  /* two arguments that must share one dtype, or -1 */
    Py_ssize_t dtype_b;
    Py_ssize_t naxes;    /* the parameters that hold axes, by index: a bool there, bare
                            or in a tuple or list, is not a fast call (the generated
                            function refuses it, where some frameworks would read it as
                            0 or 1); only None, ints and tuples or lists of ints are */
    Py_ssize_t axes[MAX_AXES];
    PyObject *dtypes;    /* set: the dtypes of a fast call's first array (crossops.ops's
                            Keras forms: those its dtype rule leaves alone), or NULL: any */
    PyObject *post;      /* dict: array type -> the cast of a fast call's result, or NULL
                            (the result as it is); a type not in it: not a fast call */
    PyObject *weak;      /* with mixed: set: a keras.ops form whose rule changes the dtype
                            of a call with a Python scalar (bool, int, float) beside an
                            array of a dtype outside it (``ops.add(int8, 1.0)`` is
                            float32) takes such a call through ``mixed`` only where the
                            array's dtype is in it, or NULL: any */
    PyObject *direct;    /* with post: dict: array type -> a function of the op's
                            parameters that gives the result already cast (called in place
                            of the cached function and the cast), or NULL */
    int seq;             /* the first parameter is a list or tuple of arrays, the cache
                            key the tuple of their types */
    int uniform;         /* with seq: a fast call's items have one dtype (a keras.ops form
                            that promotes them otherwise) */
    PyObject *options;   /* dict: array type -> (function or dict: dtype -> function,
                            (index, ...), order, requires): the framework's own function
                            for a call whose optional parameters at those indices hold an
                            int (an axis) or a bool (the others), every other one its
                            default, and whose required arguments have the attributes of
                            ``requires`` ((index, name, value), ...), called with the
                            required arguments and those values by position (in the order
                            of ``order``, their indices, where it is not None); or NULL */
    PyObject *partials;  /* dict: cache key -> (the cached function, the backend's partial
                            function it wraps): where the cache still holds that function,
                            the partial one is called instead (it returns NotImplemented
                            for a call its framework does not take, then the cached one
                            takes the call); or NULL */
    PyObject *fail;      /* fail(exception, values): raises the op's error for a fast call
                            that raised (values: those passed for the op's parameters, in
                            the order of names), or NULL: the generated function runs the
                            call again to raise it */
    PyObject *last_key;  /* seq, keyed, or arrays of other types: the last cache key made
                            (a tuple of types), or NULL */
    int numbers;         /* options' non-axis values may also be None or Python ints and
                            floats other than NaN (``clip``'s bounds), not only bools */
    Py_ssize_t least;    /* the arguments a call must give (by position or keyword) to be a
                            fast call: a keras.ops form that requires parameters the op has
                            as optional ones (``ops.clip(x, x_min, x_max)``), whose call of
                            fewer the form refuses; 0: any */
    Py_ssize_t unit;     /* the required parameter holding an axis that the plain function
                            takes only as an int, and whose result it keeps only with one
                            dimension fewer than the first array's (an axis of size 1), or
                            -1 */
    Py_ssize_t nranked;  /* the required parameters holding axes that the plain function
                            takes only as ints in range of the first array's dimensions
                            (``swapaxes``'s), by index: how many, and which */
    Py_ssize_t ranked[MAX_AXES];
    PyObject *ranks;     /* dict: array type -> (least, most; -1: any), the numbers of
                            dimensions of the first array for which the plain function is
                            the op's (``transpose``'s torch.t: at most 2; its others take
                            the cached function); a type not in it: any (Op.ranks) */
    int others;          /* a call whose arrays differ in type takes the cache's function
                            for the tuple of their types (see other_types); not a
                            keras.ops form whose dtype rule reads Python scalars */
    PyObject *keyed;     /* dict: array type -> the backend's own dtype class, or a dict of
                            dtype class -> the backend's own dtype of that class: argument
                            1 is a dtype, passed as it is where of that class (or that
                            dtype), and the cache key the tuple (array type, its class);
                            or NULL */
    PyObject *scalar_plan; /* with mixed, a binary op's: plan(array type, dtype, scalar,
                            position) -> (function, constant, keep): the function and the
                            0-d array of a Python float that the slow path's function for
                            (array, float) calls (``keep``: the slow path keeps that
                            constant for later calls), False where that type's calls never
                            take this path, None where this one does not; or NULL */
    PyObject *never;     /* set: the array types plan said False for */
    PyObject *never_int; /* set: the dtypes plan said () for, beside a Python int (whose
                            value the slow path checks against the dtype at each call) */
    int sc_int;          /* the last kept plan's scalar: an int (its value in sc_value's
                            bits), else a float */
    PyObject *sc_type, *sc_dtype, *sc_fn, *sc_const;  /* the last kept plan: the array's
                            type and dtype, the function, the constant (or NULL) */
    double sc_value;     /* ... the float's value (compared bit for bit) */
    int sc_pos;          /* ... and its position */
    PyObject *pm_type, *pm_dtype, *pm_fn;  /* the last plain function found
                            (see plain_function): the array type, the dtype (or NULL:
                            plain's entry is the function itself), the function */
    uint64_t pm_generation;  /* the generation of the plain caches then */
    int pm_by_dtype;     /* whether plain's entry was a dict by dtype */
    PyCFunctionWithKeywords pm_meth;  /* where pm_fn is a static builtin taking a tuple
                            (torch's functions): its C function, or NULL */
    PyObject *om_key, *om_entry;  /* the last options entry read (see options_entry):
                            its cache key and the entry, or NULL */
    uint64_t om_generation;  /* the generation of the plain caches then (which counts
                            the options' changes too) */
    Route om;            /* ... and the entry read */
    PyMethodDef def;     /* name and docstring of the builtin */
} Front;

static PyObject *str_dtype, *str_ndim, *str_shape;

static int
front_traverse(PyObject *m, visitproc visit, void *arg)
{
    Front *s = PyModule_GetState(m);
    if (s == NULL)
        return 0;
    Py_VISIT(s->fallback);
    Py_VISIT(s->cache);
    Py_VISIT(s->plain);
    Py_VISIT(s->mixed);
    Py_VISIT(s->defaults);
    Py_VISIT(s->kwnames);
    Py_VISIT(s->names);
    Py_VISIT(s->dtypes);
    Py_VISIT(s->fail);
    Py_VISIT(s->post);
    Py_VISIT(s->direct);
    Py_VISIT(s->weak);
    Py_VISIT(s->options);
    Py_VISIT(s->ranks);
    Py_VISIT(s->partials);
    Py_VISIT(s->last_key);
    Py_VISIT(s->keyed);
    Py_VISIT(s->scalar_plan);
    Py_VISIT(s->never);
    Py_VISIT(s->never_int);
    Py_VISIT(s->sc_type);
    Py_VISIT(s->sc_dtype);
    Py_VISIT(s->sc_fn);
    Py_VISIT(s->sc_const);
    Py_VISIT(s->pm_type);
    Py_VISIT(s->pm_dtype);
    Py_VISIT(s->pm_fn);
    Py_VISIT(s->om_key);
    Py_VISIT(s->om_entry);
    return 0;
}

static int
front_clear(PyObject *m)
{
    Front *s = PyModule_GetState(m);
    if (s == NULL)
        return 0;
    Py_CLEAR(s->fallback);
    Py_CLEAR(s->cache);
    Py_CLEAR(s->plain);
    Py_CLEAR(s->mixed);
    Py_CLEAR(s->defaults);
    Py_CLEAR(s->kwnames);
    Py_CLEAR(s->names);
    Py_CLEAR(s->dtypes);
    Py_CLEAR(s->fail);
    Py_CLEAR(s->post);
    Py_CLEAR(s->direct);
    Py_CLEAR(s->weak);
    Py_CLEAR(s->options);
    Py_CLEAR(s->ranks);
    Py_CLEAR(s->partials);
    Py_CLEAR(s->last_key);
    Py_CLEAR(s->keyed);
    Py_CLEAR(s->scalar_plan);
    Py_CLEAR(s->never);
    Py_CLEAR(s->never_int);
    Py_CLEAR(s->sc_type);
    Py_CLEAR(s->sc_dtype);
    Py_CLEAR(s->sc_fn);
    Py_CLEAR(s->sc_const);
    Py_CLEAR(s->pm_type);
    Py_CLEAR(s->pm_dtype);
    Py_CLEAR(s->pm_fn);
    Py_CLEAR(s->om_key);
    Py_CLEAR(s->om_entry);
    return 0;
}

static void
front_free(void *m)
{
    Front *s = PyModule_GetState((PyObject *)m);
    front_clear((PyObject *)m);
    if (s != NULL) {
        PyMem_Free((void *)s->def.ml_name);
        PyMem_Free((void *)s->def.ml_doc);
    }
}

/* the state of every front; one module object per op */
static struct PyModuleDef front_def = {
    PyModuleDef_HEAD_INIT, "crossops._fastpath.front", NULL, sizeof(Front), NULL, NULL,
    front_traverse, front_clear, front_free,
};

/* An attribute of arrays read by the fronts (``x.dtype``, ``x.ndim``), new reference.
 * The first read for an array type looks the attribute up; where the type reads
 * attributes as ``object`` does (``tp_getattro`` is PyObject_GenericGetAttr) and its
 * class's attribute is a C getset descriptor (torch's, NumPy's, JAX's ``dtype``; torch's
 * and NumPy's ``ndim``), that descriptor is kept for the type, and later reads call its
 * getter (its PyGetSetDef's ``get``), which is what PyObject_GetAttr calls once it has
 * found it (a getset descriptor is a data descriptor: an instance's ``__dict__`` cannot
 * shadow it), less the descriptor's check of the instance's type, which the first read
 * made for the type (torch's getters are its base class's, a walk of the MRO each time).
 * That saves a quarter of each read (38 -> 29 ns for a torch tensor's dtype through
 * ``tp_descr_get``; the getter called directly saves ~45 of its ~360 instructions more,
 * callgrind says), and a binary op's front reads two dtypes. The descriptor is taken as
 * the backends' functions are taken (AT_DEFAULTS: ``torch.add`` replaced afterwards is
 * not seen either): an attribute put on the class afterwards is not seen. KEPT_TYPES
 * types are kept per attribute, each with its descriptor or none (its reads look up), a
 * new one in turn in place of the oldest. CPython's C API only (PyGetSetDescrObject is
 * its public struct). */
#define KEPT_TYPES 8
typedef struct {
    PyObject **name;                     /* (the interned name, set at import) */
    PyTypeObject *types[KEPT_TYPES];     /* (strong references; NULL: unused) */
    PyObject *descrs[KEPT_TYPES];        /* (NULL: that type's reads look up) */
    unsigned next;                       /* the slot a new type takes, in turn */
} KeptAttribute;

static KeptAttribute kept_dtype = {&str_dtype}, kept_ndim = {&str_ndim};

static PyObject *
read_first(KeptAttribute *k, PyObject *x)
{
    PyObject *out = PyObject_GetAttr(x, *k->name);
    PyTypeObject *t = Py_TYPE(x);
    if (out == NULL)
        return out;
    PyObject *d = NULL;
    if (t->tp_getattro == PyObject_GenericGetAttr) {
        d = PyObject_GetAttr((PyObject *)t, *k->name);  /* (the descriptor) */
        /* (kept where its getter gives what the lookup gave: the one the lookup used) */
        PyObject *check = d != NULL && Py_IS_TYPE(d, &PyGetSetDescr_Type)
                && ((PyGetSetDescrObject *)d)->d_getset->get != NULL
            ? PyGetSetDescr_Type.tp_descr_get(d, x, (PyObject *)t) : NULL;
        int same = check == out || (check != NULL && PyLong_CheckExact(check)
                                    && PyLong_CheckExact(out)
                                    && PyObject_RichCompareBool(check, out, Py_EQ) == 1);
        if (!same)
            Py_CLEAR(d);
        Py_XDECREF(check);
        PyErr_Clear();
    }
    unsigned i = k->next++ % KEPT_TYPES;
    PyObject *old_type = (PyObject *)k->types[i], *old_descr = k->descrs[i];
    k->types[i] = (PyTypeObject *)Py_NewRef((PyObject *)t);  /* (both set before the */
    k->descrs[i] = d;                     /* old ones are released: no mixed pair) */
    Py_XDECREF(old_type);
    Py_XDECREF(old_descr);
    return out;
}

static inline PyObject *
read_kept(KeptAttribute *k, PyObject *x)
{
    PyTypeObject *t = Py_TYPE(x);
    for (int i = 0; i < KEPT_TYPES; i++)
        if (k->types[i] == t) {
            if (k->descrs[i] == NULL)
                return PyObject_GetAttr(x, *k->name);
            PyGetSetDef *g = ((PyGetSetDescrObject *)k->descrs[i])->d_getset;
            return g->get(x, g->closure);
        }
    return read_first(k, x);
}

static inline PyObject *
get_dtype(PyObject *x)
{
    return read_kept(&kept_dtype, x);
}

/* 1 if a and b have one dtype, 0 if not or on error (cleared); where 1 and ``out`` is
 * not NULL, *out is that dtype (a new reference) */
static int
same_dtype(PyObject *a, PyObject *b, PyObject **out)
{
    PyObject *da = get_dtype(a);
    if (da == NULL) {
        PyErr_Clear();
        return 0;
    }
    PyObject *db = get_dtype(b);
    if (db == NULL) {
        Py_DECREF(da);
        PyErr_Clear();
        return 0;
    }
    Py_DECREF(db);
    if (da != db) {  /* compared by identity, as the generated function does */
        Py_DECREF(da);
        return 0;
    }
    if (out != NULL)
        *out = da;
    else
        Py_DECREF(da);
    return 1;
}

/* whether a call whose first array is ``x`` may take the fast path as far as its dtype
 * goes: always where the front has no ``dtypes``; else where x's dtype is among them
 * (``*dtype``: x's dtype, a new reference, read here where still NULL, for
 * plain_function). 0 on error (cleared). */
static int
allowed_dtype(Front *s, PyObject *x, PyObject **dtype)
{
    if (s->dtypes == NULL)
        return 1;
    if (*dtype == NULL && (*dtype = get_dtype(x)) == NULL) {
        PyErr_Clear();
        return 0;
    }
    int found = PySet_Contains(s->dtypes, *dtype);
    if (found < 0) {
        PyErr_Clear();  /* an unhashable dtype: not a fast call */
        return 0;
    }
    return found;
}

/* for a front with ``dtypes``: whether a call of two arguments is of an array of one of
 * them and a Python int or float (not a bool), which the slow path's function takes as
 * the generated function would (a NumPy ufunc's bool loop, ``pow``'s, changes only bool
 * arrays); 0 on error (cleared) */
static int
scalar_call_allowed(Front *s, PyObject *const *a, Py_ssize_t na)
{
    if (na != 2)
        return 0;
    Py_ssize_t i;
    if (PyLong_CheckExact(a[1]) || PyFloat_CheckExact(a[1]))
        i = 0;
    else if (PyLong_CheckExact(a[0]) || PyFloat_CheckExact(a[0]))
        i = 1;
    else
        return 0;
    PyObject *dtype = NULL;
    int ok = allowed_dtype(s, a[i], &dtype);
    Py_XDECREF(dtype);
    return ok;
}

/* The function for this call from the plain cache, or NULL (no error set). The last
 * one found is kept with the generation of the plain caches then: every change of a
 * plain cache that could change what a front found (an entry replaced or removed: a
 * ``crossops._accel.FrontDict``) calls ``plain_changed()``, which starts a new generation; the dicts by dtype in a plain cache (a backend's ``AT_DEFAULTS``
 * tables) are constants. A call that repeats its array type and dtype reads no dict
 * within a generation (the lookups' memory, cold after the framework's call, cost a
 * tenth of a torch front). CPython's public API only. */
static uint64_t plain_generation = 1;
static inline PyCFunctionWithKeywords static_meth(PyObject *f);

static PyObject *
plain_function(Front *s, PyObject *const *args, PyTypeObject *t, PyObject *known,
               PyCFunctionWithKeywords *meth)
{
    *meth = NULL;
    if (s->pm_fn != NULL && s->pm_type == (PyObject *)t
            && s->pm_generation == plain_generation) {
        *meth = s->pm_meth;
        if (!s->pm_by_dtype)
            return s->pm_fn;
        if (known != NULL) {
            if (known == s->pm_dtype)
                return s->pm_fn;
        }
        else {
            PyObject *dtype = get_dtype(args[0]);
            if (dtype == NULL) {
                PyErr_Clear();
                *meth = NULL;
                return NULL;
            }
            Py_DECREF(dtype);  /* (compared by identity; pm_dtype holds it) */
            if (dtype == s->pm_dtype)
                return s->pm_fn;
        }
        *meth = NULL;
    }
    PyObject *inner = NULL, *dtype = NULL;
    PyObject *f = PyDict_GetItemWithError(s->plain, (PyObject *)t);
    if (f != NULL && PyDict_CheckExact(f)) {  /* by args[0]'s dtype (``known``, if read) */
        inner = f;
        dtype = known != NULL ? Py_NewRef(known) : get_dtype(args[0]);
        f = dtype == NULL ? NULL : PyDict_GetItemWithError(inner, dtype);
    }
    if (f == NULL)
        PyErr_Clear();  /* a miss, or a key that cannot be looked up: not a fast call */
    else {
        Py_XSETREF(s->pm_fn, NULL);  /* (while the others change) */
        Py_XSETREF(s->pm_type, Py_NewRef((PyObject *)t));
        Py_XSETREF(s->pm_dtype, Py_XNewRef(dtype));
        s->pm_by_dtype = inner != NULL;
        s->pm_generation = plain_generation;
        s->pm_fn = Py_NewRef(f);
        s->pm_meth = static_meth(f);
    }
    Py_XDECREF(dtype);
    return f;
}

/* the C function of ``f`` where it is a builtin static method that takes a tuple and
 * keywords (torch's functions: no ``self``, static code), else NULL */
static inline PyCFunctionWithKeywords
static_meth(PyObject *f)
{
    if (PyCFunction_CheckExact(f) && PyCFunction_GET_FLAGS(f)
            == (METH_VARARGS | METH_KEYWORDS | METH_STATIC))
        return (PyCFunctionWithKeywords)(void (*)(void))PyCFunction_GET_FUNCTION(f);
    return NULL;
}

/* ``meth``(None, args, kwargs) for such a C function (see static_meth), as CPython's call
 * of its builtin does, without the generic call's dispatch around it (``kwargs``: a dict
 * the call reads, or NULL) */
static PyObject *
call_static(PyCFunctionWithKeywords meth, PyObject *const *args, Py_ssize_t n,
            PyObject *kwargs)
{
    PyObject *tuple = PyTuple_New(n);
    if (tuple == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < n; i++)
        PyTuple_SET_ITEM(tuple, i, Py_NewRef(args[i]));
    PyObject *out = meth(NULL, tuple, kwargs);
    Py_DECREF(tuple);
    if (out == NULL && !PyErr_Occurred())
        PyErr_SetString(PyExc_SystemError, "crossops._fastpath: NULL without an error");
    return out;
}

/* f(*args) for the ``n`` arguments ``args`` (a static builtin: by call_static) */
static inline PyObject *
call_function(PyObject *f, PyObject *const *args, Py_ssize_t n)
{
    PyCFunctionWithKeywords meth = static_meth(f);
    if (meth != NULL)
        return call_static(meth, args, n, NULL);
    if (n == 1 && Py_IS_TYPE(f, &PyGetSetDescr_Type))  /* an attribute: torch.Tensor.mT */
        return Py_TYPE(f)->tp_descr_get(f, args[0], (PyObject *)Py_TYPE(args[0]));
    return PyObject_Vectorcall(f, args, n, NULL);
}

static inline int
python_scalar(PyObject *v)
{
    return PyFloat_CheckExact(v) || PyLong_CheckExact(v) || PyBool_Check(v);
}

/* whether a promoted op's call of mixed types may take the slow path's function as far
 * as the front's ``weak`` dtypes go: no Python scalar among the two promoted arguments,
 * or one beside an array whose dtype is among them (0 on error, cleared) */
static int
weak_allowed(Front *s, PyObject *const *args)
{
    PyObject *a = args[s->dtype_a], *b = args[s->dtype_b];
    int sa = python_scalar(a), sb = python_scalar(b);
    if (!sa && !sb)
        return 1;
    if (sa && sb)
        return 0;
    PyObject *dtype = get_dtype(sa ? b : a);
    if (dtype == NULL) {
        PyErr_Clear();
        return 0;
    }
    int found = PySet_Contains(s->weak, dtype);
    Py_DECREF(dtype);
    if (found < 0) {
        PyErr_Clear();
        return 0;
    }
    return found;
}

/* the index of keyword ``name`` among the front's parameters that may come by keyword,
 * or -1 */
static Py_ssize_t
keyword_index(Front *s, PyObject *name)
{
    Py_ssize_t n = PyTuple_GET_SIZE(s->names);
    for (Py_ssize_t i = s->kwfrom; i < n; i++)  /* identifiers are interned: identity */
        if (PyTuple_GET_ITEM(s->names, i) == name)
            return i;
    for (Py_ssize_t i = s->kwfrom; i < n; i++) {
        PyObject *known = PyTuple_GET_ITEM(s->names, i);  /* None: not by keyword */
        if (PyUnicode_CheckExact(known) && PyUnicode_Compare(known, name) == 0)
            return i;
    }
    PyErr_Clear();
    return -1;
}

/* whether an argument for a parameter that holds axes may go to the framework as it is:
 * None, an int, or a tuple or list of ints. A bool, bare or inside (some frameworks read
 * True as axis 1), a NumPy scalar or anything else is not a fast call: the generated
 * function refuses a bool and judges the rest. None or an int costs two pointer
 * comparisons at most; a tuple, a scan of its items. */
static inline int
plain_axes(PyObject *v)
{
    if (v == Py_None || PyLong_CheckExact(v))
        return 1;
    if (!PyTuple_CheckExact(v) && !PyList_CheckExact(v))
        return 0;
    PyObject **items = PySequence_Fast_ITEMS(v);
    for (Py_ssize_t i = 0, n = PySequence_Fast_GET_SIZE(v); i < n; i++)
        if (!PyLong_CheckExact(items[i]))
            return 0;
    return 1;
}

/* whether a parameter that holds axes is given something other than None, an int or a
 * tuple or list of ints (``n``: the arguments in ``all``) */
static int
odd_axes(Front *s, PyObject *const *all, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < s->naxes; i++) {
        Py_ssize_t k = s->axes[i];
        if (k < n && !plain_axes(all[k]))
            return 1;
    }
    return 0;
}

/* The error of a fast call whose function raised (the error is set): raised through the
 * front's fail hook, given the values passed for the op's parameters (``values``, ``n``),
 * so that the op does not run again; without a hook, the generated function takes the
 * call (and raises). Always NULL, or the generated function's result. */
static PyObject *
raise_failed(Front *s, PyObject *const *values, Py_ssize_t n, PyObject *const *args,
             size_t nargsf, PyObject *kwnames)
{
    if (!PyErr_ExceptionMatches(PyExc_Exception))
        return NULL;  /* KeyboardInterrupt, SystemExit: as it is */
    if (s->fail == NULL) {
        PyErr_Clear();
        return PyObject_Vectorcall(s->fallback, args, nargsf, kwnames);
    }
#if PY_VERSION_HEX >= 0x030C0000
    PyObject *exc = PyErr_GetRaisedException();
#else
    PyObject *type, *exc, *tb;
    PyErr_Fetch(&type, &exc, &tb);
    PyErr_NormalizeException(&type, &exc, &tb);
    if (tb != NULL) {
        PyException_SetTraceback(exc, tb);
        Py_DECREF(tb);
    }
    Py_XDECREF(type);
#endif
    if (exc == NULL)
        return NULL;
    PyObject *tuple = PyTuple_New(n);
    if (tuple == NULL) {
        Py_DECREF(exc);
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++)
        PyTuple_SET_ITEM(tuple, i, Py_NewRef(values[i]));
    PyObject *out = PyObject_CallFunctionObjArgs(s->fail, exc, tuple, NULL);
    Py_DECREF(exc);
    Py_DECREF(tuple);
    if (out == NULL)
        return NULL;
    Py_DECREF(out);  /* (the hook always raises) */
    PyErr_SetString(PyExc_SystemError, "crossops._fastpath: the fail hook returned");
    return NULL;
}

/* the cast of a fast call's result for arrays of type ``t`` (a new reference), or NULL
 * with no error set where the front has ``post`` and no cast for ``t`` (not a fast
 * call); Py_None where the front casts nothing */
static PyObject *
result_cast(Front *s, PyTypeObject *t)
{
    if (s->post == NULL)
        return Py_NewRef(Py_None);
    PyObject *cast = PyDict_GetItemWithError(s->post, (PyObject *)t);
    if (cast == NULL) {
        PyErr_Clear();
        return NULL;
    }
    return Py_NewRef(cast);
}

/* ``out`` (a fast call's result, a new reference, or NULL) cast by ``cast`` (stolen;
 * Py_None: as it is) */
static PyObject *
cast_result(PyObject *cast, PyObject *out)
{
    if (cast != Py_None && out != NULL) {
        PyObject *res = PyObject_CallOneArg(cast, out);
        Py_DECREF(out);
        out = res;
    }
    Py_DECREF(cast);
    return out;
}

/* whether parameter ``j`` holds axes */
static int
holds_axes(Front *s, Py_ssize_t j)
{
    for (Py_ssize_t i = 0; i < s->naxes; i++)
        if (s->axes[i] == j)
            return 1;
    return 0;
}

/* the number of dimensions of ``x`` (-1 on error, cleared) */
static Py_ssize_t
get_ndim(PyObject *x)
{
    PyObject *v = read_kept(&kept_ndim, x);
    if (v == NULL) {
        PyErr_Clear();
        return -1;
    }
    Py_ssize_t n = PyLong_Check(v) ? PyLong_AsSsize_t(v) : -1;
    Py_DECREF(v);
    if (n < 0)
        PyErr_Clear();
    return n;
}

/* whether the items of list or tuple ``v`` (at least one) have one dtype and, where
 * ``ndims``, one number of dimensions: that number plus one where they do (1 where not
 * ``ndims``), else 0 (also on error, cleared) */
static Py_ssize_t
uniform_items(PyObject *v, int ndims)
{
    PyObject **items = PySequence_Fast_ITEMS(v);
    Py_ssize_t n = PySequence_Fast_GET_SIZE(v);
    Py_ssize_t nd = ndims ? get_ndim(items[0]) : 0;
    PyObject *dtype = nd < 0 ? NULL : get_dtype(items[0]);
    if (dtype == NULL) {
        PyErr_Clear();
        return 0;
    }
    int same = 1;
    for (Py_ssize_t i = 1; i < n && same; i++) {
        PyObject *d = get_dtype(items[i]);
        if (d == NULL) {
            PyErr_Clear();
            same = 0;
        }
        else {
            same = d == dtype && (!ndims || get_ndim(items[i]) == nd);  /* (dtypes by
                                                                         identity) */
            Py_DECREF(d);
        }
    }
    Py_DECREF(dtype);
    return same ? nd + 1 : 0;
}

/* None, or a Python int or float (exactly) other than NaN: an option ``numbers`` lets
 * through (``clip``'s bounds) */
static inline int
plain_number(PyObject *v)
{
    return v == Py_None || PyLong_CheckExact(v)
           || (PyFloat_CheckExact(v) && !Py_IS_NAN(PyFloat_AS_DOUBLE(v)));
}

/* whether ``out``, the plain function's result for ``x`` (squeeze's: ``unit``), has one
 * dimension fewer than ``x`` (torch.squeeze keeps an axis of another size than 1, where
 * the op raises): two reads of ``ndim`` (~20 ns each in torch; its ``shape`` makes a
 * tuple) (0 on error, cleared) */
static int
unit_dropped(PyObject *x, PyObject *out)
{
    Py_ssize_t n = get_ndim(out);
    return n >= 0 && n == get_ndim(x) - 1;
}

/* whether the required arguments ``a`` at the front's ``ranked`` indices are ints in range
 * of the first array's dimensions (0 on error, cleared) */
static int
ranked_axes(Front *s, PyObject *const *a)
{
    Py_ssize_t nd = get_ndim(a[0]);
    if (nd < 0)
        return 0;
    for (Py_ssize_t i = 0; i < s->nranked; i++) {
        PyObject *v = a[s->ranked[i]];
        if (!PyLong_CheckExact(v))
            return 0;
        Py_ssize_t k = PyLong_AsSsize_t(v);
        if (k == -1 && PyErr_Occurred()) {
            PyErr_Clear();
            return 0;
        }
        if (k < -nd || k >= nd)
            return 0;
    }
    return 1;
}

/* whether number of dimensions ``nd`` lies in the bounds (least, most; -1: any) at
 * ``b[i]``, ``b[i + 1]`` (0 on error, cleared) */
static int
rank_between(PyObject *b, Py_ssize_t i, Py_ssize_t nd)
{
    Py_ssize_t lo = PyLong_AsSsize_t(PyTuple_GET_ITEM(b, i));
    Py_ssize_t hi = PyLong_AsSsize_t(PyTuple_GET_ITEM(b, i + 1));
    if (nd < 0 || PyErr_Occurred()) {
        PyErr_Clear();
        return 0;
    }
    return nd >= lo && (hi < 0 || nd <= hi);
}

/* whether the first required argument ``a[0]``, of type ``t``, has a number of dimensions
 * that the front's ranks give its type, if any, and so the second ``a[1]`` where they
 * give four bounds (0 on error, cleared) */
static int
in_ranks(Front *s, PyTypeObject *t, PyObject *const *a)
{
    PyObject *b = PyDict_GetItemWithError(s->ranks, (PyObject *)t);
    if (b == NULL) {
        if (!PyErr_Occurred())
            return 1;
        PyErr_Clear();
        return 0;
    }
    if (!PyTuple_CheckExact(b) || (PyTuple_GET_SIZE(b) != 2 && PyTuple_GET_SIZE(b) != 4))
        return 0;
    if (!rank_between(b, 0, get_ndim(a[0])))
        return 0;
    return PyTuple_GET_SIZE(b) == 2 || rank_between(b, 2, get_ndim(a[1]));
}

/* whether each (index, attribute, value) of tuple ``requires`` holds of the call's
 * required arguments ``all`` (``nreq`` of them): the argument's attribute equals the value
 * (``x.is_cpu`` is True); 0 on any error, cleared */
static int
has_attributes(PyObject *const *all, Py_ssize_t nreq, PyObject *requires)
{
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(requires); i++) {
        PyObject *r = PyTuple_GET_ITEM(requires, i);
        if (!PyTuple_CheckExact(r) || PyTuple_GET_SIZE(r) != 3)
            return 0;
        Py_ssize_t k = PyLong_AsSsize_t(PyTuple_GET_ITEM(r, 0));
        if (k < 0 || k >= nreq) {
            PyErr_Clear();
            return 0;
        }
        PyObject *v = PyObject_GetAttr(all[k], PyTuple_GET_ITEM(r, 1));
        int ok = v != NULL && PyObject_RichCompareBool(v, PyTuple_GET_ITEM(r, 2), Py_EQ) == 1;
        Py_XDECREF(v);
        if (!ok) {
            PyErr_Clear();
            return 0;
        }
    }
    return 1;
}

/* whether ``v`` is a tuple or list of ints (not bools; empty too) */
static int
int_items(PyObject *v)
{
    if (!PyTuple_CheckExact(v) && !PyList_CheckExact(v))
        return 0;
    for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(v); i++)
        if (!PyLong_CheckExact(PySequence_Fast_ITEMS(v)[i]))
            return 0;
    return 1;
}

/* whether int ``v`` is an axis of an array of ``nd`` dimensions (-nd to nd - 1); 0 on an
 * error, cleared */
static int
axis_in_range(PyObject *v, Py_ssize_t nd)
{
    Py_ssize_t a = PyLong_AsSsize_t(v);
    if (a == -1 && PyErr_Occurred()) {
        PyErr_Clear();
        return 0;
    }
    return a >= -nd && a < nd;
}

/* whether ``count`` is a positive int that divides the length of ``x``'s axis ``axis``
 * (an int in range of its dimensions, which the caller has checked): ``split(x, 2,
 * axis=1)``'s equal sections; 0 on any error, cleared */
static int
equal_sections(PyObject *x, PyObject *count, PyObject *axis)
{
    if (!PyLong_CheckExact(count) || !PyLong_CheckExact(axis))
        return 0;
    Py_ssize_t k = PyLong_AsSsize_t(count);
    Py_ssize_t a = PyLong_AsSsize_t(axis);
    PyObject *shape = k > 0 ? PyObject_GetAttr(x, str_shape) : NULL;
    PyObject *length = shape == NULL ? NULL : PySequence_GetItem(shape, a);
    Py_XDECREF(shape);
    Py_ssize_t n = length == NULL || !PyLong_Check(length) ? -1 : PyLong_AsSsize_t(length);
    Py_XDECREF(length);
    if (n < 0) {
        PyErr_Clear();
        return 0;
    }
    return n % k == 0;
}

/* ``args`` (``n`` of them) in the order of tuple ``order`` (their indices) into ``out``:
 * 0 where ``order`` does not index ``n`` of them (no error set) */
static int
reorder(PyObject *order, PyObject *const *args, Py_ssize_t n, PyObject **out)
{
    if (!PyTuple_CheckExact(order) || PyTuple_GET_SIZE(order) != n)
        return 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t k = PyLong_AsSsize_t(PyTuple_GET_ITEM(order, i));
        if (k < 0 || k >= n) {
            PyErr_Clear();
            return 0;
        }
        out[i] = args[k];
    }
    return 1;
}

/* ``entry``, an ``options`` entry, read into ``r``: 1, or 0 where it is not one */
static int
read_route(PyObject *entry, Route *r)
{
    if (!PyTuple_CheckExact(entry) || PyTuple_GET_SIZE(entry) != 6
            || !PyTuple_CheckExact(PyTuple_GET_ITEM(entry, 1))
            || !PyTuple_CheckExact(PyTuple_GET_ITEM(entry, 3))
            || PyTuple_GET_SIZE(PyTuple_GET_ITEM(entry, 1)) > MAX_PARAMS)
        return 0;
    PyObject *indices = PyTuple_GET_ITEM(entry, 1);
    r->f = PyTuple_GET_ITEM(entry, 0);
    r->order = PyTuple_GET_ITEM(entry, 2);
    r->requires = PyTuple_GET_ITEM(entry, 3);
    r->n = PyTuple_GET_SIZE(indices);
    for (Py_ssize_t k = 0; k < r->n; k++) {
        r->index[k] = PyLong_AsSsize_t(PyTuple_GET_ITEM(indices, k));
        if (r->index[k] == -1 && PyErr_Occurred())
            return 0;
    }
    r->sections = PyLong_AsSsize_t(PyTuple_GET_ITEM(entry, 4));
    r->sequences = PyObject_IsTrue(PyTuple_GET_ITEM(entry, 5));
    return !(r->sections == -1 && PyErr_Occurred()) && r->sequences >= 0;
}

/* The options entry for cache key ``key`` (a new reference), read into *r; or NULL with
 * no error set where there is none. A loop's calls give one key (a type, or the sequence
 * key the front keeps): the front keeps the last entry it read, and skips the lookup and
 * the reading until the options change (they are a FrontDict). */
static PyObject *
options_entry(Front *s, PyObject *key, Route *r)
{
    if (s->om_entry == NULL || s->om_key != key || s->om_generation != plain_generation) {
        PyObject *entry = PyDict_GetItemWithError(s->options, key);
        Route read;
        if (entry == NULL || !read_route(entry, &read)) {
            PyErr_Clear();
            return NULL;
        }
        Py_XSETREF(s->om_entry, NULL);  /* (while the others change) */
        Py_XSETREF(s->om_key, Py_NewRef(key));
        s->om = read;
        s->om_generation = plain_generation;
        s->om_entry = Py_NewRef(entry);
    }
    *r = s->om;  /* (a copy: the call may read another key's entry) */
    return Py_NewRef(s->om_entry);
}

/* call_options's call, with the entry read (``r``) */
static PyObject *
options_call(Front *s, PyObject *const *all, const Route *r, Py_ssize_t nopt,
             Py_ssize_t items_nd)
{
    PyObject *first = all[0];
    Py_ssize_t nd = -1;  /* a sequence op's items' number of dimensions */
    if (s->seq) {  /* a sequence op: items of one dtype and one number of dimensions
                      (``items_nd``: that number, where the caller has read it, or -2) */
        nd = items_nd >= -1 ? items_nd : uniform_items(first, 1) - 1;
        if (nd < 0)
            return NULL;
        first = PySequence_Fast_ITEMS(first)[0];
    }
    Py_ssize_t n = r->n;
    if (n > nopt)
        return NULL;
    PyObject *pass[MAX_PARAMS];
    char given[MAX_PARAMS] = {0};
    for (Py_ssize_t i = 0; i < s->nreq; i++)
        pass[i] = all[i];
    for (Py_ssize_t k = 0; k < n; k++) {
        Py_ssize_t j = r->index[k];
        int ranked = j < 0;  /* ~j: an axis to check against the first array's number of
                                dimensions (torch takes 0 and -1 for a 0-d tensor) */
        if (ranked)
            j = ~j;
        if (j < s->nreq || j >= s->nreq + nopt)
            return NULL;
        PyObject *v = all[j];  /* an axis: an int (not a bool), or where the route takes
                                  them, a tuple or list of ints; else a bool */
        int axis = holds_axes(s, j);
        if (axis ? !PyLong_CheckExact(v) && !(r->sequences && int_items(v))
                : !(PyBool_Check(v) || (s->numbers && plain_number(v))))
            return NULL;
        if (ranked && nd < 0 && (nd = get_ndim(first)) < 0)
            return NULL;
        if (nd >= 0 && axis && PyLong_CheckExact(v)) {  /* an axis in range (torch.cat checks none
                                               where every item is empty and 1-d) */
            if (!axis_in_range(v, nd))
                return NULL;
        }
        else if (ranked && axis) {  /* a tuple of axes to check (NumPy's reductions take
                                       no list): one or more (an empty one is every axis
                                       to torch.sum, none to NumPy's), each in range
                                       (repeats: the function's error) */
            Py_ssize_t m = PyTuple_CheckExact(v) ? PyTuple_GET_SIZE(v) : 0;
            if (m == 0)
                return NULL;
            for (Py_ssize_t i = 0; i < m; i++)
                if (!axis_in_range(PySequence_Fast_ITEMS(v)[i], nd))
                    return NULL;
        }
        given[j] = 1;
        pass[s->nreq + k] = v;
    }
    for (Py_ssize_t j = s->nreq; j < s->nreq + nopt; j++)
        if (!given[j] && all[j] != PyTuple_GET_ITEM(s->defaults, j - s->nreq))
            return NULL;  /* (compared by identity: None, False, a cached small int) */
    if (!has_attributes(all, s->nreq, r->requires))
        return NULL;
    if (r->sections >= 0 && (n == 0 || r->sections >= s->nreq
                             || !equal_sections(first, all[r->sections], pass[s->nreq])))
        return NULL;
    PyObject *f = r->f;
    if (PyDict_CheckExact(f)) {  /* by the first array's dtype */
        PyObject *dtype = get_dtype(first);
        f = dtype == NULL ? NULL : PyDict_GetItemWithError(f, dtype);
        Py_XDECREF(dtype);
        if (f == NULL) {
            PyErr_Clear();
            return NULL;
        }
    }
    PyObject *out;
    if (r->order != Py_None) {  /* the function's own order of the arguments */
        PyObject *ordered[MAX_PARAMS];
        if (!reorder(r->order, pass, s->nreq + n, ordered))
            return NULL;
        out = call_function(f, ordered, s->nreq + n);
    }
    else
        out = call_function(f, pass, s->nreq + n);
    if (out != NULL && r->sections >= 0)  /* (the pieces as a list, as NumPy gives them) */
        Py_SETREF(out, PySequence_List(out));
    if (out == NULL && PyErr_ExceptionMatches(PyExc_Exception))
        PyErr_Clear();
    return out;
}

/* The call of the framework's own function that ``options`` has for cache key
 * ``key`` (see Front), given the values of the op's parameters ``all`` (``nopt``
 * optional ones): its result; or NULL with no error set where the call is not such a
 * one, or where the function raised an Exception (then the cached function takes the
 * call, and raises the op's error); or NULL with an error that is not an Exception
 * (KeyboardInterrupt). */
static PyObject *
call_options(Front *s, PyObject *const *all, PyObject *key, Py_ssize_t nopt,
             Py_ssize_t items_nd)
{
    Route r;
    PyObject *entry = options_entry(s, key, &r);  /* (held: its function is borrowed) */
    if (entry == NULL)
        return NULL;
    PyObject *out = options_call(s, all, &r, nopt, items_nd);
    Py_DECREF(entry);
    return out;
}


/* ``f``, the cached function for cache key ``key`` (a new reference, stolen), called:
 * where ``partials`` has the backend's partial function that ``f`` wraps, that one first,
 * and ``f`` only where it returns NotImplemented (as ``f`` itself would do, without its
 * Python frame on the common call) */
static PyObject *
call_cached(Front *s, PyObject *f, PyObject *key, PyObject *const *args, size_t nargsf,
            PyObject *kwnames)
{
    if (s->partials != NULL && PyDict_GET_SIZE(s->partials) > 0) {
        PyObject *pair = PyDict_GetItemWithError(s->partials, key);
        if (pair != NULL && PyTuple_CheckExact(pair) && PyTuple_GET_SIZE(pair) == 2
                && PyTuple_GET_ITEM(pair, 0) == f) {  /* (the cached function, wrapped) */
            PyObject *raw = Py_NewRef(PyTuple_GET_ITEM(pair, 1));
            PyObject *out = PyObject_Vectorcall(raw, args, nargsf, kwnames);
            Py_DECREF(raw);
            if (out != Py_NotImplemented) {
                Py_DECREF(f);
                return out;
            }
            Py_DECREF(out);
        }
        else if (pair == NULL)
            PyErr_Clear();
    }
    PyObject *out = PyObject_Vectorcall(f, args, nargsf, kwnames);
    Py_DECREF(f);
    return out;
}

/* the cache key of a sequence op's call: the tuple of the types of the items of list or
 * tuple ``v`` (a new reference), or NULL (no error set) where ``v`` is neither, or empty,
 * or longer than MAX_ITEMS. The front keeps the last key it made (``s->last_key``) and
 * gives it again for items of the same types: no tuple to allocate (nor for the garbage
 * collector to count) on a loop's calls (``types_key``). */
#define MAX_ITEMS 64
static PyObject *types_key(Front *s, PyObject *const *items, Py_ssize_t n);

/* the tuple of the types of a call's arrays (``args``: by position), as types_key */
static PyObject *
arrays_key(Front *s, PyObject *const *args)
{
    PyObject *items[MAX_PARAMS];
    for (Py_ssize_t i = 0; i < s->ntypes; i++)
        items[i] = args[s->typed[i]];
    return types_key(s, items, s->ntypes);
}

static PyObject *
sequence_key(Front *s, PyObject *v)
{
    if (!PyList_CheckExact(v) && !PyTuple_CheckExact(v))
        return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(v);
    if (n < 1 || n > MAX_ITEMS)
        return NULL;
    return types_key(s, PySequence_Fast_ITEMS(v), n);
}

/* the tuple of the types of ``items`` (``n`` of them), a new reference: the last key the
 * front made (``s->last_key``) where it is that tuple (no tuple to allocate, nor for the
 * garbage collector to count, on a loop's calls), else a new one, kept as the last; or
 * NULL (no error set) */
static PyObject *
types_key(Front *s, PyObject *const *items, Py_ssize_t n)
{
    PyObject *last = s->last_key;
    if (last != NULL && PyTuple_GET_SIZE(last) == n) {
        Py_ssize_t i = 0;
        while (i < n && PyTuple_GET_ITEM(last, i) == (PyObject *)Py_TYPE(items[i]))
            i++;
        if (i == n)
            return Py_NewRef(last);
    }
    PyObject *key = PyTuple_New(n);
    if (key == NULL) {
        PyErr_Clear();
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++)
        PyTuple_SET_ITEM(key, i, Py_NewRef((PyObject *)Py_TYPE(items[i])));
    Py_XSETREF(s->last_key, Py_NewRef(key));
    return key;
}

/* keyed: the cache key (type(x), type(dtype)) of a call whose dtype the backend of x's
 * type passes on as it is: an object of the class ``keyed`` has for that type (torch's
 * ``torch.dtype``), or, where ``keyed`` has a dict of dtype class -> dtype, that one
 * object of its class (NumPy's own dtypes: ``np.dtype('>f4')`` shares float32's class,
 * and the conversion returns another object for it), any object of its class where the
 * dict gives None, or, where it gives a dict (``str``'s: name -> the backend's own
 * dtype), the dtype that ``*dtype`` names there, which replaces it (a borrowed reference
 * from that dict) (a new reference; the last key made is given again), or NULL (no error
 * set) */
static PyObject *
dtype_key(Front *s, PyObject *x, PyObject **dtype)
{
    PyObject *t = (PyObject *)Py_TYPE(x);
    PyObject *want = PyDict_GetItemWithError(s->keyed, t);
    if (want == NULL) {
        PyErr_Clear();
        return NULL;
    }
    PyObject *cls = (PyObject *)Py_TYPE(*dtype);
    if (PyDict_CheckExact(want)) {
        PyObject *given = PyDict_GetItemWithError(want, cls);
        if (given != NULL && PyDict_CheckExact(given)) {  /* a name: its dtype */
            PyObject *named = PyDict_GetItemWithError(given, *dtype);
            if (named == NULL) {
                PyErr_Clear();
                return NULL;
            }
            *dtype = named;  /* (keyed by str, as the generated function keys the name) */
        }
        else if (given != Py_None && given != *dtype) {  /* (by identity) */
            PyErr_Clear();
            return NULL;
        }
    }
    else if (cls != want)
        return NULL;
    PyObject *last = s->last_key;
    if (last != NULL && PyTuple_GET_ITEM(last, 0) == t && PyTuple_GET_ITEM(last, 1) == cls)
        return Py_NewRef(last);
    PyObject *key = PyTuple_Pack(2, t, cls);
    if (key == NULL) {
        PyErr_Clear();
        return NULL;
    }
    Py_XSETREF(s->last_key, Py_NewRef(key));
    return key;
}

/* whether a call whose leading arrays differ in type (``repeat(x, 2)``: a tensor and an
 * int) may take the front: an op of several arrays, not promoted (a promoted op's such
 * calls take ``mixed``), whose cache the generated function keys on the tuple of their
 * types, nor checked for one dtype, nor a keras.ops form that reads the first array's
 * dtype or casts the result (by that array's type) */
static inline int
other_types(Front *s)
{
    return s->others && s->ntypes > 1 && s->mixed == NULL && s->dtype_a < 0 && !s->seq
           && s->keyed == NULL && s->post == NULL && s->dtypes == NULL;
}

static PyObject *not_given_type = NULL;

static PyObject *
call_full(Front *s, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    if (s->names == NULL || nargs < s->ntyped || nargs > s->npos)
        return NULL;
    PyTypeObject *t = Py_TYPE(args[0]);
    int one_type = 1;
    for (Py_ssize_t i = 1; i < s->ntypes; i++)
        one_type &= Py_TYPE(args[s->typed[i]]) == t;
    if (!one_type && !other_types(s))
        return NULL;
    PyObject *all[MAX_PARAMS];
    Py_ssize_t nopt = s->defaults ? PyTuple_GET_SIZE(s->defaults) : 0;
    for (Py_ssize_t i = 0; i < nargs; i++)
        all[i] = args[i];
    for (Py_ssize_t i = nargs; i < s->nreq; i++)
        all[i] = NULL;
    for (Py_ssize_t i = nargs > s->nreq ? nargs - s->nreq : 0; i < nopt; i++)
        all[s->nreq + i] = PyTuple_GET_ITEM(s->defaults, i);
    Py_ssize_t nkwargs = kwnames == NULL ? 0 : PyTuple_GET_SIZE(kwnames);
    for (Py_ssize_t j = 0; j < nkwargs; j++) {
        Py_ssize_t k = keyword_index(s, PyTuple_GET_ITEM(kwnames, j));
        if (k < nargs)  /* unknown, positional only, or given twice: the generated
                           function raises (or handles a keyword of its own) */
            return NULL;
        all[k] = args[nargs + j];
    }
    for (Py_ssize_t i = nargs; i < s->nreq; i++)
        if (all[i] == NULL)  /* a required argument missing */
            return NULL;
    if (not_given_type != NULL)
        for (Py_ssize_t i = s->nreq; i < s->nreq + nopt; i++)
            if ((PyObject *)Py_TYPE(all[i]) == not_given_type)
                return NULL;
    if (s->dtype_a >= 0 && !same_dtype(all[s->dtype_a], all[s->dtype_b], NULL))
        return NULL;
    if (s->convert >= 0 && all[s->convert] != Py_None)
        return NULL;
    if (s->naxes && odd_axes(s, all, s->nreq + nopt))
        return NULL;
    if (s->dtypes != NULL) {
        PyObject *dtype = NULL;
        int ok = allowed_dtype(s, all[0], &dtype);
        Py_XDECREF(dtype);
        if (!ok)
            return NULL;
    }
    PyObject *key = s->seq ? sequence_key(s, all[0])
                    : s->keyed ? dtype_key(s, all[0], &all[1])
                    : one_type ? Py_NewRef((PyObject *)t) : arrays_key(s, args);
    if (key == NULL)
        return NULL;
    Py_ssize_t items_nd = -2;  /* (not read) */
    if (s->uniform) {  /* items of one dtype (and their number of dimensions, read once
                          where the options path needs it) */
        int ndims = s->options != NULL && PyDict_GET_SIZE(s->options) > 0;
        items_nd = uniform_items(all[0], ndims) - 1;
        if (items_nd < 0) {
            Py_DECREF(key);
            return NULL;
        }
        if (!ndims)
            items_nd = -2;
    }
    if (s->seq && nargs == s->nreq && nkwargs == 0 && PyDict_GET_SIZE(s->plain) > 0) {
        /* the sequence alone: the backend's own function for its key (AT_DEFAULTS:
           torch.stack), without the keywords it would parse; a call it raises for goes
           on to the cached function, which raises the op's error */
        PyObject *p = PyDict_GetItemWithError(s->plain, key);
        if (p != NULL) {
            Py_INCREF(p);  /* (borrowed from a dict the call may grow) */
            PyObject *res = PyObject_Vectorcall(p, all, s->nreq, NULL);
            Py_DECREF(p);
            if (res != NULL || !PyErr_ExceptionMatches(PyExc_Exception)) {
                Py_DECREF(key);
                return res;
            }
        }
        PyErr_Clear();
    }
    PyObject *cast, *out;
    PyObject *g = NULL;  /* the backend's function that gives the cast result itself */
    if (s->direct != NULL
            && (g = PyDict_GetItemWithError(s->direct, (PyObject *)t)) == NULL)
        PyErr_Clear();
    if (g != NULL)
        cast = Py_NewRef(Py_None);
    else if ((cast = result_cast(s, t)) == NULL) {
        Py_DECREF(key);
        return NULL;
    }
    if (g == NULL && s->options != NULL && PyDict_GET_SIZE(s->options) > 0) {
        out = call_options(s, all, key, nopt, items_nd);  /* the framework's own */
        if (out != NULL || PyErr_Occurred()) {
            Py_DECREF(key);
            return cast_result(cast, out);
        }
    }
    /* the op's cached function for the key (none: the generated function's call), or
       where the key is cached, the direct function */
    PyObject *f = PyDict_GetItemWithError(s->cache, key);
    if (f == NULL) {
        PyErr_Clear();
        Py_DECREF(key);
        Py_DECREF(cast);
        return NULL;
    }
    if (g != NULL)
        f = g;
    Py_INCREF(f);  /* (borrowed from a dict that a call may change) */
    Py_ssize_t nkw = s->kwnames ? PyTuple_GET_SIZE(s->kwnames) : 0;
    if (g != NULL) {
        out = PyObject_Vectorcall(f, all, s->nreq + nopt - nkw, s->kwnames);
        Py_DECREF(f);
    }
    else
        out = call_cached(s, f, key, all, s->nreq + nopt - nkw, s->kwnames);
    Py_DECREF(key);
    if (out == NULL)
        out = raise_failed(s, all, s->nreq + nopt, args, nargs, kwnames);
    return cast_result(cast, out);
}

/* A binary promoted op's call of an array and a Python float or int (``maximum(x,
 * 0.0)``, ``x * 2``), as
 * the slow path's function for those types makes it (see crossops._dispatch's
 * _weak_scalar_call): its function called with the array and the 0-d array of the float
 * that the slow path keeps (or the float itself, where the plan's constant is None:
 * NumPy's functions take it as it is), both got from ``scalar_plan`` once and kept here
 * for the calls that repeat the scalar, the array's type and dtype (an int: where the
 * plan says its value needs no check against the dtype, ``()`` where it does). *taken:
 * whether it made the call (then the result, or NULL with its error); else NULL, no
 * error. */
static PyObject *
scalar_call(Front *s, PyObject *const *args, int *taken)
{
    *taken = 0;
    int k = PyFloat_CheckExact(args[0]) ? 0 : PyFloat_CheckExact(args[1]) ? 1 : -1;
    int is_int = 0;
    if (k < 0) {
        k = PyLong_CheckExact(args[0]) ? 0 : PyLong_CheckExact(args[1]) ? 1 : -1;
        if (k < 0)
            return NULL;
        is_int = 1;
    }
    PyObject *x = args[1 - k];
    PyObject *t = (PyObject *)Py_TYPE(x);
    if (python_scalar(x) || PyComplex_CheckExact(x))
        return NULL;
    if (s->never != NULL) {
        int never = PySet_Contains(s->never, t);
        if (never != 0) {
            if (never < 0)
                PyErr_Clear();
            return NULL;
        }
    }
    double v;
    if (is_int) {  /* its value, as the bits of v (an int beyond 64 bits: not here) */
        int overflow;
        long long iv = PyLong_AsLongLongAndOverflow(args[k], &overflow);
        if (overflow || (iv == -1 && PyErr_Occurred())) {
            PyErr_Clear();
            return NULL;
        }
        memcpy(&v, &iv, sizeof v);
    }
    else
        v = PyFloat_AS_DOUBLE(args[k]);
    PyObject *dtype = get_dtype(x);
    if (dtype == NULL) {
        PyErr_Clear();
        return NULL;
    }
    if (is_int && s->never_int != NULL) {
        int never = PySet_Contains(s->never_int, dtype);
        if (never != 0) {
            if (never < 0)
                PyErr_Clear();
            Py_DECREF(dtype);
            return NULL;
        }
    }
    PyObject *fn, *c;
    if (s->sc_const != NULL && s->sc_dtype == dtype && s->sc_type == t && s->sc_pos == k
            && s->sc_int == is_int
            && memcmp(&v, &s->sc_value, sizeof v) == 0) {  /* (-0.0 is not 0.0) */
        Py_DECREF(dtype);
        fn = Py_NewRef(s->sc_fn);
        c = Py_NewRef(s->sc_const);
    }
    else {
        PyObject *plan = PyObject_CallFunction(s->scalar_plan, "OOOi", t, dtype, args[k],
                                               k);
        if (plan == NULL) {
            Py_DECREF(dtype);
            if (!PyErr_ExceptionMatches(PyExc_Exception)) {
                *taken = 1;
                return NULL;
            }
            PyErr_Clear();
            return NULL;
        }
        if (plan == Py_False) {
            if (s->never == NULL)
                s->never = PySet_New(NULL);
            if (s->never == NULL || PySet_Add(s->never, t) < 0)
                PyErr_Clear();
        }
        else if (is_int && PyTuple_CheckExact(plan) && PyTuple_GET_SIZE(plan) == 0) {
            if (s->never_int == NULL)
                s->never_int = PySet_New(NULL);
            if (s->never_int == NULL || PySet_Add(s->never_int, dtype) < 0)
                PyErr_Clear();
        }
        if (!PyTuple_CheckExact(plan) || PyTuple_GET_SIZE(plan) != 3) {
            Py_DECREF(plan);
            Py_DECREF(dtype);
            return NULL;
        }
        fn = Py_NewRef(PyTuple_GET_ITEM(plan, 0));
        c = Py_NewRef(PyTuple_GET_ITEM(plan, 1));
        if (PyObject_IsTrue(PyTuple_GET_ITEM(plan, 2)) == 1) {
            Py_XSETREF(s->sc_type, Py_NewRef(t));
            Py_XSETREF(s->sc_dtype, Py_NewRef(dtype));
            Py_XSETREF(s->sc_fn, Py_NewRef(fn));
            Py_XSETREF(s->sc_const, Py_NewRef(c));
            s->sc_value = v;
            s->sc_pos = k;
            s->sc_int = is_int;
        }
        PyErr_Clear();
        Py_DECREF(plan);
        Py_DECREF(dtype);
    }
    PyObject *pair[2];
    pair[k] = c == Py_None ? args[k] : c;  /* None: the scalar as it is (NumPy) */
    pair[1 - k] = x;
    *taken = 1;
    PyObject *out = PyObject_Vectorcall(fn, pair, 2, NULL);
    Py_DECREF(fn);
    Py_DECREF(c);
    return out;
}

/* Whether a call gives the required arguments alone, some of them by keyword
 * (``expand_dims(x, axis=0)``, ``squeeze(x, axis=0)``), each by a name that may also come
 * by position: then ``req`` holds them in order, as the call by position would give them,
 * and the front takes it as that call (no optional parameter can differ from its
 * default, none being given) */
static int
required_by_keyword(Front *s, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames,
                    PyObject **req)
{
    if (s->names == NULL || s->seq || s->keyed
            || nargs + PyTuple_GET_SIZE(kwnames) != s->nreq)
        return 0;
    for (Py_ssize_t i = 0; i < s->nreq; i++)
        req[i] = i < nargs ? args[i] : NULL;
    for (Py_ssize_t j = nargs; j < s->nreq; j++) {
        Py_ssize_t k = keyword_index(s, PyTuple_GET_ITEM(kwnames, j - nargs));
        if (k < nargs || k >= s->nreq || k >= s->npos || req[k] != NULL)
            return 0;  /* (unknown, optional, keyword only, or given twice) */
        req[k] = args[j];
    }
    return 1;
}

static PyObject *
call_op(PyObject *m, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    Front *s = PyModule_GetState(m);
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    PyObject *f, *out;
    PyObject *dtype = NULL;  /* a[0]'s dtype, where read (a new reference) */
    PyObject *const *a = args;  /* the call's required arguments, in order (na of them);
                                   args, nargs and kwnames stay the call as made, which
                                   the generated function takes where the front does not */
    Py_ssize_t na = nargs;
    PyObject *req[MAX_PARAMS];

    if (s->least && nargs + (kwnames ? PyTuple_GET_SIZE(kwnames) : 0) < s->least)
        goto fallback;  /* (the form raises its TypeError) */
    if (kwnames != NULL && required_by_keyword(s, args, nargs, kwnames, req)) {
        a = req;  /* (``expand_dims(x, axis=0)``: the call by position) */
        na = s->nreq;
    }
    else if (kwnames != NULL || nargs != s->nreq || s->seq || s->keyed) {
        out = call_full(s, args, nargs, kwnames);
        if (out != NULL || PyErr_Occurred())
            return out;
        goto fallback;
    }
    PyTypeObject *t = Py_TYPE(a[0]);
    for (Py_ssize_t i = 1; i < s->ntypes; i++)
        if (Py_TYPE(a[s->typed[i]]) != t)
            goto mixed;

    if (s->dtype_a >= 0 && !same_dtype(a[s->dtype_a], a[s->dtype_b],
                                       s->dtype_a == 0 ? &dtype : NULL))
        goto mixed;
    if (s->naxes && odd_axes(s, a, na))
        goto fallback;
    if (!allowed_dtype(s, a[0], &dtype))  /* (front() checks dtype_a is 0 or -1) */
        goto fallback;
    if (s->post != NULL) {  /* the path that casts the result (no plain function) */
        Py_XDECREF(dtype);
        out = call_full(s, args, nargs, kwnames);
        if (out != NULL || PyErr_Occurred())
            return out;
        return PyObject_Vectorcall(s->fallback, args, nargs, kwnames);
    }
    PyCFunctionWithKeywords meth;
    f = plain_function(s, a, t, dtype, &meth);
    if (f != NULL && s->unit >= 0 && !PyLong_CheckExact(a[s->unit]))
        f = NULL;  /* (squeeze's tuple of axes: the cached function's call) */
    if (f != NULL && s->nranked && !ranked_axes(s, a))
        f = NULL;  /* (swapaxes of a 0-d array: the cached function's call) */
    if (f != NULL && PyDict_GET_SIZE(s->ranks) && !in_ranks(s, t, a))
        f = NULL;  /* (torch.t of a 3-d tensor: the cached function's call) */
    if (f != NULL) {
        /* the op's cached function itself (a promoted op's), whose error is the op's, or
           a backend's own function (AT_DEFAULTS), which hands the calls it refuses to the
           op's own path (which of the two: read where the call failed, f still held) */
        Py_XDECREF(dtype);  /* (only compared, above; released while its memory is warm) */
        dtype = NULL;
        if (meth != NULL) {  /* a static builtin (plain's memo): its code needs no f */
            out = call_static(meth, a, na, NULL);
            if (out != NULL) {
                if (s->unit < 0 || unit_dropped(a[0], out))
                    return out;
                Py_DECREF(out);  /* (squeeze's axis of another size than 1: the cached
                                    function's call, which raises the op's error) */
                goto cached;
            }
            Py_INCREF(f);  /* (for the lookup below: the memo still holds it) */
        }
        else {
            Py_INCREF(f);  /* borrowed from a dict the call may grow */
            out = call_function(f, a, na);
            if (out != NULL) {
                Py_DECREF(f);
                if (s->unit < 0 || unit_dropped(a[0], out))
                    return out;
                Py_DECREF(out);
                goto cached;
            }
        }
        PyObject *etype, *evalue, *etb;  /* (the call's error kept aside for the lookup) */
        PyErr_Fetch(&etype, &evalue, &etb);
        int cached = PyDict_GetItem(s->cache, (PyObject *)t) == f;
        PyErr_Restore(etype, evalue, etb);
        Py_DECREF(f);
        if (cached)
            return raise_failed(s, a, na, args, nargs, kwnames);
        if (!PyErr_ExceptionMatches(PyExc_Exception))
            return NULL;
        PyErr_Clear();
        return PyObject_Vectorcall(s->fallback, args, nargs, kwnames);
    }
cached:
    f = PyDict_GetItemWithError(s->cache, (PyObject *)t);
    if (f == NULL) {
        PyErr_Clear();
        goto fallback;
    }
    Py_INCREF(f);
    if (s->defaults == NULL && s->kwnames == NULL) {
        out = call_cached(s, f, (PyObject *)t, a, na, NULL);
        if (out == NULL)
            out = raise_failed(s, a, na, args, nargs, kwnames);
    }
    else {  /* forward every parameter, the optional ones with their defaults */
        PyObject *all[MAX_PARAMS];
        Py_ssize_t nopt = s->defaults ? PyTuple_GET_SIZE(s->defaults) : 0;
        Py_ssize_t nkw = s->kwnames ? PyTuple_GET_SIZE(s->kwnames) : 0;
        for (Py_ssize_t i = 0; i < na; i++)
            all[i] = a[i];
        for (Py_ssize_t i = 0; i < nopt; i++)
            all[na + i] = PyTuple_GET_ITEM(s->defaults, i);
        out = call_cached(s, f, (PyObject *)t, all, na + nopt - nkw, s->kwnames);
        if (out == NULL)
            out = raise_failed(s, all, na + nopt, args, nargs, kwnames);
    }
    goto done;
mixed:  /* a promoted op's call by position: the slow path's function for these types */
    if (other_types(s)) {  /* an op of several arrays: its cache, by the tuple of types */
        Py_XDECREF(dtype);
        out = call_full(s, args, nargs, kwnames);
        if (out != NULL || PyErr_Occurred())
            return out;
        return PyObject_Vectorcall(s->fallback, args, nargs, kwnames);
    }
    if (s->mixed == NULL || (s->dtypes != NULL && !scalar_call_allowed(s, a, na))
            || (s->weak != NULL && !weak_allowed(s, a)))
        goto fallback;
    if (s->scalar_plan != NULL && na == 2) {  /* an array and a Python float */
        int taken;
        out = scalar_call(s, a, &taken);
        if (taken) {
            if (out == NULL)  /* the slow path's function's error, once */
                out = raise_failed(s, a, na, args, nargs, kwnames);
            goto done;
        }
    }
    PyObject *key = PyTuple_New(na);
    if (key == NULL) {
        PyErr_Clear();
        goto fallback;
    }
    for (Py_ssize_t i = 0; i < na; i++)
        PyTuple_SET_ITEM(key, i, Py_NewRef((PyObject *)Py_TYPE(a[i])));
    f = PyDict_GetItemWithError(s->mixed, key);
    Py_DECREF(key);
    if (f == NULL) {
        PyErr_Clear();
        goto fallback;
    }
    Py_INCREF(f);
    out = PyObject_Vectorcall(f, a, na, NULL);
    Py_DECREF(f);
    if (out == NULL)  /* the function Op.slow calls for these types: its error, once */
        out = raise_failed(s, a, na, args, nargs, kwnames);
done:
    Py_XDECREF(dtype);
    return out;
fallback:
    Py_XDECREF(dtype);
    return PyObject_Vectorcall(s->fallback, args, nargs, kwnames);
}

/* A front is a builtin function (a PyCFunction, so that torch.compile can substitute
 * its generated function for it) that also has that function as __wrapped__, so that
 * inspect shows the function's source and annotated signature. */
typedef struct {
    PyCFunctionObject base;
    PyObject *wrapped;
    PyObject *doc;  /* the generated function's docstring */
} FrontFunction;

static PyObject *
front_vectorcall(PyObject *fn, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    return call_op(((PyCFunctionObject *)fn)->m_self, args, nargsf, kwnames);
}

static PyObject *
front_wrapped(FrontFunction *fn, void *Py_UNUSED(closure))
{
    return Py_NewRef(fn->wrapped);
}

/* the subtype's own __doc__ (PyType_Ready puts its tp_doc, None, before the base's) */
static PyObject *
front_doc_get(FrontFunction *fn, void *Py_UNUSED(closure))
{
    return Py_NewRef(fn->doc);
}

static int
front_function_traverse(FrontFunction *fn, visitproc visit, void *arg)
{
    Py_VISIT(fn->wrapped);
    Py_VISIT(fn->doc);
    return PyCFunction_Type.tp_traverse((PyObject *)fn, visit, arg);
}

static void
front_function_dealloc(FrontFunction *fn)
{
    Py_CLEAR(fn->wrapped);
    Py_CLEAR(fn->doc);
    PyCFunction_Type.tp_dealloc((PyObject *)fn);  /* untracks, drops the rest, frees */
}

static PyGetSetDef front_function_getset[] = {
    {"__wrapped__", (getter)front_wrapped, NULL,
     "the generated Python function that takes every call this front hands on", NULL},
    {"__doc__", (getter)front_doc_get, NULL, NULL, NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject FrontFunction_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "crossops._fastpath.front",
    .tp_basicsize = sizeof(FrontFunction),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_HAVE_VECTORCALL,
    .tp_traverse = (traverseproc)front_function_traverse,
    .tp_dealloc = (destructor)front_function_dealloc,
    .tp_getset = front_function_getset,
    .tp_base = &PyCFunction_Type,
    .tp_vectorcall_offset = offsetof(PyCFunctionObject, vectorcall),
};

static char *
copy_string(PyObject *str)
{
    Py_ssize_t n;
    const char *utf8 = PyUnicode_AsUTF8AndSize(str, &n);
    if (utf8 == NULL)
        return NULL;
    char *out = PyMem_Malloc(n + 1);
    if (out == NULL)
        return (char *)PyErr_NoMemory();
    memcpy(out, utf8, n + 1);
    return out;
}

PyDoc_STRVAR(front_doc,
"front(name, doc, module, fallback, cache, plain, mixed, defaults, kwnames, nreq,\n"
"      ntyped, dtype_a, dtype_b, names, npos, kwfrom, convert, axes, dtypes=None,\n"
"      fail=None, seq=False, post=None, direct=None, weak=None, options=None,\n"
"      partials=None, scalar_plan=None, uniform=False, keyed=None, unit=-1,\n"
"      numbers=False, least=0, ranked=(), others=False, ranks=None, typed=None)\n"
"--\n\n"
"A builtin named ``name`` that calls the cached function of a fast call (see the\n"
"module docstring) and ``fallback`` for every other call.\n\n"
"``doc`` starts with the signature line (``name(x, /)\\n--\\n\\n``); ``kwnames``\n"
"and ``defaults`` are None where the op has no keyword or optional parameters;\n"
"``mixed`` (a promoted op's slow-path cache) is None for other ops. ``names``\n"
"(the parameters' names, required then optional in the order of ``defaults``; None:\n"
"a fast call gives the required arguments only, by position), ``npos`` (how many may\n"
"come by position), ``kwfrom`` (the first that may come by keyword) and ``convert``\n"
"(the one that must be None, or -1) allow fast calls with options. ``axes``: the\n"
"indices of the parameters that hold axes (a tuple of at most 4), where only None, an\n"
"int or a tuple or list of ints is a fast call (not a bool, bare or inside).\n"
"``dtypes``: a set, where only a call whose first array has one of these dtypes is a\n"
"fast call (crossops.ops's Keras forms: the dtypes their rule leaves alone; the set may\n"
"grow as backends load); only for ops whose dtype check, if any, starts at argument 0.\n"
"``fail``: None, or ``fail(exception, values)``, which raises the op's error for a fast\n"
"call whose function raised ``exception`` (``values``: those passed for the op's\n"
"parameters, in the order of ``names``), so that the call does not run twice.\n"
"``seq``: the first parameter is a list or tuple of arrays, whose items' types (a\n"
"tuple) key the cache; ``ntyped`` is then 1, and there is no ``mixed`` nor ``dtypes``.\n"
"``post``: None, or a dict of array type -> the cast of a fast call's result (a call\n"
"whose type is not in it goes to ``fallback``); not with ``mixed`` nor ``seq``, and\n"
"``names`` must be given. ``direct``: None, or (with ``post``) a dict of array type ->\n"
"a function of the op's parameters whose result needs no cast, called in place of the\n"
"cached function and the cast. ``weak``: None, or (with ``mixed``) a set of dtypes: a\n"
"call with a Python scalar beside an array takes ``mixed`` only where the array's\n"
"dtype is in it (a keras.ops form whose rule changes the others). ``options``: None,\n"
"or (with ``names``) a dict of array type (``seq``: cache key) -> (f, (index, ...),\n"
"order, requires, sections, sequences) (an index ``~i``: parameter ``i``, an axis that\n"
"must also be in range of the first array's number of dimensions): a call whose\n"
"optional parameters at those indices (of ``names``) hold an int where they hold axes\n"
"(or, where ``sequences`` is true, a tuple or list of ints, which ``f`` checks), else a\n"
"bool, and every other optional parameter its default (the same object),\n"
"(``seq``: whose items have one dtype and one number of dimensions), and whose required\n"
"arguments have the attributes ``requires`` names ((index, name, value), ...: equal to\n"
"the value) calls ``f`` (or ``f[dtype]`` of the first array, where a dict) with the\n"
"required arguments and those values by position (in the order ``order`` gives as their\n"
"indices, where not None; where ``sections`` is an index, not -1, only where that\n"
"required argument is a count of equal sections along the first axis, and the pieces\n"
"as a list); a call it raises for goes on to the cached\n"
"function. ``partials``: None, or a dict of cache key -> (the cached function, the\n"
"partial backend function it wraps): while the cache holds that function, the partial\n"
"one is called first, the cached one only where it returns NotImplemented.\n"
"``scalar_plan``: None, or (with ``mixed``, a binary op of two required arguments)\n"
"``plan(array type, dtype, scalar, position)``: for a call of an array and a Python\n"
"float, ``(f, constant, keep)``, where ``f(array, constant)`` (in the call's order) is\n"
"the slow path's call; the front keeps the last plan whose ``keep`` is true for the\n"
"calls that repeat it; False: that array type never takes this path; None: not now.\n"
"``uniform``: (with ``seq``) only a call whose items have one dtype is a fast call (a\n"
"keras.ops form that promotes the items to one dtype first).\n"
"``keyed``: None, or (with ``names``, not ``seq``, and ``convert`` -1) a dict of array\n"
"type -> dtype class, or -> dict of dtype class -> dtype: parameter 1 is a dtype\n"
"(``astype``'s), and a call is fast only where it is an object of the class given for\n"
"the array's type (or the one object given for its class; any object of it where\n"
"that is None), passed as it is, or a key of the dict given for its class (``str``:\n"
"name -> dtype), whose dtype replaces it; the cache key is the tuple (array type, the\n"
"class of the dtype given), as the generated function keys the call.\n"
"``unit``: -1, or the index of a required axis parameter that the plain function takes\n"
"only as an int, its result kept only where it has one dimension fewer than the first\n"
"array (``squeeze``: an axis of size 1). ``numbers``: ``options``' values that\n"
"are not axes may also be None or a Python int or float other than NaN (``clip``'s\n"
"bounds), not only a bool. ``least``: 0, or the number of arguments (by position or\n"
"keyword) a call must give to be a fast call (a keras.ops form that requires\n"
"parameters the op has as optional ones: ``clip(x, x_min, x_max)``). ``ranked``: the\n"
"indices of required axis parameters (a tuple of at most 4) that the plain function\n"
"takes only as ints in range of the first array's number of dimensions (``swapaxes``:\n"
"torch.transpose takes axis 0 of a 0-d tensor). ``others``: a call whose leading\n"
"arrays differ in type calls the cache's function for the tuple of their types.\n"
"``ranks``: None, or a dict of array type -> (least, most; -1: any): the plain\n"
"function takes only a first array of that type with that many dimensions (with four\n"
"bounds, the second argument's next: an array with that many); the others take the\n"
"cached function. A plain function that is an attribute's descriptor\n"
"(``torch.Tensor.mT``) is read of the one array. ``typed``: None, or the indices of the\n"
"arrays among the ``ntyped`` leading arguments (which a fast call gives by position)\n"
"that must share one type, increasing from 0 (``slice_update(inputs, start_indices,\n"
"updates)``: (0, 2)); None: all ``ntyped``. With fewer than ``ntyped``, no ``mixed``,\n"
"``seq`` nor ``dtype_a``.");

static PyObject *
front(PyObject *self, PyObject *args)
{
    PyObject *name, *doc, *module, *fallback, *cache, *plain, *mixed, *defaults, *kwnames;
    PyObject *names, *axes, *dtypes = Py_None, *fail = Py_None, *post = Py_None;
    PyObject *direct = Py_None, *weak = Py_None, *options = Py_None, *partials = Py_None;
    PyObject *scalar_plan = Py_None, *keyed = Py_None, *ranked = NULL;
    int seq = 0, uniform = 0;
    Py_ssize_t nreq, ntyped, dtype_a, dtype_b, npos, kwfrom, convert, unit = -1;
    int numbers = 0, others = 0;
    Py_ssize_t least = 0;
    PyObject *ranks = Py_None, *typed = Py_None;
    if (!PyArg_ParseTuple(args, "UUUOO!O!OOOnnnnOnnnO!|OOpOOOOOOpOnpnO!pOO:front", &name, &doc, &module,
                          &fallback, &PyDict_Type, &cache, &PyDict_Type, &plain, &mixed,
                          &defaults, &kwnames, &nreq, &ntyped, &dtype_a, &dtype_b, &names,
                          &npos, &kwfrom, &convert, &PyTuple_Type, &axes, &dtypes, &fail, &seq, &post,
                          &direct, &weak, &options, &partials, &scalar_plan, &uniform, &keyed, &unit,
                          &numbers, &least, &PyTuple_Type, &ranked, &others, &ranks, &typed))
        return NULL;
    /* the arrays that share one type: ``typed``'s indices, else the ntyped leading ones */
    Py_ssize_t ntypes = typed == Py_None ? ntyped : PyTuple_Check(typed)
                        ? PyTuple_GET_SIZE(typed) : -1;
    Py_ssize_t typed_index[MAX_PARAMS];
    for (Py_ssize_t i = 0; i < ntypes && i < MAX_PARAMS; i++) {
        typed_index[i] = typed == Py_None ? i : PyLong_AsSsize_t(PyTuple_GET_ITEM(typed, i));
        if (typed_index[i] == -1 && PyErr_Occurred())
            return NULL;
        if (typed_index[i] != (i ? Py_MAX(typed_index[i], typed_index[i - 1] + 1) : 0)
                || typed_index[i] >= ntyped)
            ntypes = -1;  /* reported below (increasing from 0, each by position) */
    }
    Py_ssize_t naxes = PyTuple_GET_SIZE(axes);
    Py_ssize_t axis_index[MAX_AXES];
    for (Py_ssize_t i = 0; i < naxes && i < MAX_AXES; i++) {
        axis_index[i] = PyLong_AsSsize_t(PyTuple_GET_ITEM(axes, i));
        if (axis_index[i] == -1 && PyErr_Occurred())
            return NULL;
        if (axis_index[i] < 0)
            naxes = MAX_AXES + 1;  /* reported below */
    }
    Py_ssize_t nranked = ranked == NULL ? 0 : PyTuple_GET_SIZE(ranked);
    Py_ssize_t ranked_index[MAX_AXES];
    for (Py_ssize_t i = 0; i < nranked && i < MAX_AXES; i++) {
        ranked_index[i] = PyLong_AsSsize_t(PyTuple_GET_ITEM(ranked, i));
        if (ranked_index[i] == -1 && PyErr_Occurred())
            return NULL;
        if (ranked_index[i] < 0 || ranked_index[i] >= nreq)
            nranked = MAX_AXES + 1;  /* reported below */
    }
    Py_ssize_t nopt = defaults == Py_None ? 0 : PyTuple_Size(defaults);
    if (nopt < 0)
        return NULL;
    if (nreq < 1 || ntyped < 1 || ntyped > nreq || nreq + nopt > MAX_PARAMS
            || ntypes < 1 || ntypes > ntyped
            || (ntypes < ntyped && (seq || mixed != Py_None || dtype_a >= 0))
            || dtype_a >= nreq || dtype_b >= nreq
            || (kwnames != Py_None && !PyTuple_Check(kwnames))
            || (names != Py_None && (!PyTuple_Check(names)
                                     || PyTuple_GET_SIZE(names) != nreq + nopt))
            || npos < ntyped || npos > nreq + nopt || kwfrom < ntyped
            || kwfrom > nreq + nopt || convert < -1 || convert >= nreq + nopt
            || (mixed != Py_None && !PyDict_Check(mixed)) || naxes > MAX_AXES
            || (dtypes != Py_None && (!PyAnySet_Check(dtypes) || dtype_a > 0))
            || (fail != Py_None && !PyCallable_Check(fail))
            || (seq && (ntyped != 1 || mixed != Py_None || dtypes != Py_None
                        || names == Py_None))
            || (uniform && !seq)
            || unit < -1 || unit >= nreq || (unit >= 0 && (seq || post != Py_None))
            || least < 0 || least > nreq + nopt || nranked > MAX_AXES
            || (nranked && (seq || post != Py_None))
            || (ranks != Py_None && !PyDict_Check(ranks))
            || (keyed != Py_None && (!PyDict_Check(keyed) || seq || names == Py_None
                                     || nreq < 2 || convert != -1 || mixed != Py_None
                                     || dtype_a >= 0 || post != Py_None))
            || (post != Py_None && (!PyDict_Check(post) || mixed != Py_None || seq
                                    || names == Py_None))
            || (direct != Py_None && (!PyDict_Check(direct) || post == Py_None))
            || (weak != Py_None && (!PyAnySet_Check(weak) || mixed == Py_None
                                    || dtype_a < 0))
            || (options != Py_None && (!PyDict_Check(options) || names == Py_None))
            || (partials != Py_None && !PyDict_Check(partials))
            || (scalar_plan != Py_None
                && (!PyCallable_Check(scalar_plan) || mixed == Py_None || nreq != 2
                    || dtype_a != 0 || dtype_b != 1))) {
        PyErr_SetString(PyExc_ValueError, "front: inconsistent arguments");
        return NULL;
    }
    PyObject *m = PyModule_Create(&front_def);
    if (m == NULL)
        return NULL;
    Front *s = PyModule_GetState(m);
    s->def.ml_name = copy_string(name);
    s->def.ml_doc = copy_string(doc);
    if (s->def.ml_name == NULL || s->def.ml_doc == NULL) {
        Py_DECREF(m);
        return NULL;
    }
    s->def.ml_meth = (PyCFunction)(void (*)(void))call_op;
    s->def.ml_flags = METH_FASTCALL | METH_KEYWORDS;
    s->fallback = Py_NewRef(fallback);
    s->cache = Py_NewRef(cache);
    s->plain = Py_NewRef(plain);
    s->mixed = mixed == Py_None ? NULL : Py_NewRef(mixed);
    s->defaults = defaults == Py_None ? NULL : Py_NewRef(defaults);
    s->kwnames = kwnames == Py_None ? NULL : Py_NewRef(kwnames);
    s->names = names == Py_None ? NULL : Py_NewRef(names);
    s->npos = npos;
    s->kwfrom = kwfrom;
    s->convert = convert;
    s->nreq = nreq;
    s->ntyped = ntyped;
    s->ntypes = ntypes;
    for (Py_ssize_t i = 0; i < ntypes; i++)
        s->typed[i] = typed_index[i];
    s->dtype_a = dtype_a;
    s->dtype_b = dtype_b;
    s->naxes = naxes;
    s->dtypes = dtypes == Py_None ? NULL : Py_NewRef(dtypes);
    s->fail = fail == Py_None ? NULL : Py_NewRef(fail);
    s->seq = seq;
    s->uniform = uniform;
    s->keyed = keyed == Py_None ? NULL : Py_NewRef(keyed);
    s->unit = unit;
    s->nranked = nranked;
    s->ranks = ranks == Py_None ? PyDict_New() : Py_NewRef(ranks);
    if (s->ranks == NULL) {
        Py_DECREF(m);
        return NULL;
    }
    s->others = others;
    for (Py_ssize_t i = 0; i < nranked; i++)
        s->ranked[i] = ranked_index[i];
    s->numbers = numbers;
    s->least = least;
    s->post = post == Py_None ? NULL : Py_NewRef(post);
    s->direct = direct == Py_None ? NULL : Py_NewRef(direct);
    s->weak = weak == Py_None ? NULL : Py_NewRef(weak);
    s->options = options == Py_None ? NULL : Py_NewRef(options);
    s->partials = partials == Py_None ? NULL : Py_NewRef(partials);
    s->scalar_plan = scalar_plan == Py_None ? NULL : Py_NewRef(scalar_plan);
    for (Py_ssize_t i = 0; i < naxes; i++)
        s->axes[i] = axis_index[i];
    FrontFunction *fn = PyObject_GC_New(FrontFunction, &FrontFunction_Type);
    if (fn == NULL) {
        Py_DECREF(m);
        return NULL;
    }
    fn->base.m_ml = &s->def;
    fn->base.m_self = m;  /* the reference from PyModule_Create */
    fn->base.m_module = Py_NewRef(module);
    fn->base.m_weakreflist = NULL;
    fn->base.vectorcall = front_vectorcall;
    fn->wrapped = Py_NewRef(fallback);
    fn->doc = PyObject_GetAttrString(fallback, "__doc__");
    if (fn->doc == NULL) {
        fn->doc = Py_NewRef(Py_None);
        PyErr_Clear();
    }
    PyObject_GC_Track(fn);
    return (PyObject *)fn;
}

static PyObject *
set_not_given(PyObject *m, PyObject *type)
{
    if (!PyType_Check(type)) {
        PyErr_SetString(PyExc_TypeError, "not_given: a type is required");
        return NULL;
    }
    Py_XSETREF(not_given_type, Py_NewRef(type));
    Py_RETURN_NONE;
}

PyDoc_STRVAR(not_given_doc,
"not_given(type)\n--\n\n"
"Calls given an option of ``type`` (crossops.numpy's ``<no value>`` marker) are not fast\n"
"calls: the generated function takes them.");

/* ---------------------------------------------------------------------------------
 * Creation fronts: calls without an array argument (``zeros((32, 32))``, ``arange(n)``).
 *
 * The backend of such a call is the default one (crossops._backend.get_backend: a
 * traced block's name, else the use_backend ContextVar's, else the process default),
 * read here as get_backend reads it (``creation_setup`` gives the three places). A call
 * of the required arguments alone, by position (Python numbers, the first also a tuple
 * or list: ``full(shape, 2.0)``, ``linspace(0, 1, 32)``), calls the route that ``routes`` keeps
 * for the backend: ``routes[floatx][backend]`` (``floatx``: Keras's setting, for a
 * keras.ops form whose dtype rule reads it; else None), a function of the required
 * arguments, or a dict of the first argument's type -> a route (a rule that reads the
 * arguments' types: ``ops.arange``; a dict there is by the second argument's type, and
 * so on: ``full``'s shape, then its fill), or a tuple (function, guard, expected): the
 * function where ``guard()`` is ``expected`` (torch's default dtype), or a tuple
 * (function, keywords): the function given that dict of keywords too (a dtype), or
 * None: no route. A route not there yet is asked of ``build(floatx, backend, the
 * arguments' types)``, which keeps it. Every other call, and a call whose route raises, goes to the generated function
 * (which raises the op's error: creation has no side effect to repeat).
 * ------------------------------------------------------------------------------- */

typedef struct {
    PyObject *fallback;  /* the generated Python function */
    PyObject *routes;    /* dict: floatx (or None) -> dict: backend name -> route */
    PyObject *build;     /* build(floatx, backend, type of the first argument) -> route */
    PyObject *settings;  /* crossops._config's settings dict (floatx), or NULL */
    Py_ssize_t nreq;     /* the required arguments: a fast call's */
    PyMethodDef def;
} Creation;

static PyObject *traced_local, *backend_var, *backend_globals;  /* creation_setup's */
static PyObject *str_name, *str_global_default, *str_floatx, *str_traced_blocks;
static PyObject *zero;  /* the int 0 (a cached small int: compared by identity) */

static int
creation_traverse(PyObject *m, visitproc visit, void *arg)
{
    Creation *s = PyModule_GetState(m);
    if (s == NULL)
        return 0;
    Py_VISIT(s->fallback);
    Py_VISIT(s->routes);
    Py_VISIT(s->build);
    Py_VISIT(s->settings);
    return 0;
}

static int
creation_clear(PyObject *m)
{
    Creation *s = PyModule_GetState(m);
    if (s == NULL)
        return 0;
    Py_CLEAR(s->fallback);
    Py_CLEAR(s->routes);
    Py_CLEAR(s->build);
    Py_CLEAR(s->settings);
    return 0;
}

static void
creation_free(void *m)
{
    Creation *s = PyModule_GetState((PyObject *)m);
    creation_clear((PyObject *)m);
    if (s != NULL) {
        PyMem_Free((void *)s->def.ml_name);
        PyMem_Free((void *)s->def.ml_doc);
    }
}

static struct PyModuleDef creation_def = {
    PyModuleDef_HEAD_INIT, "crossops._fastpath.creation", NULL, sizeof(Creation), NULL,
    NULL, creation_traverse, creation_clear, creation_free,
};

/* ``*name`` (a new reference) kept where it is true: 1; else released (``*name`` NULL):
 * 0 where false, -1 on error */
static int
kept_if_true(PyObject **name)
{
    int truth = PyObject_IsTrue(*name);
    if (truth <= 0)
        Py_CLEAR(*name);
    return truth;
}

/* the default backend's name (a new reference), as crossops._backend.get_backend gives
 * it: ``(_traced_blocks[0] and _traced.name) or _context_default.get() or
 * _global_default``
 * (the thread-local read only while a traced block is entered somewhere: its attribute
 * lookup costs ~500 instructions); NULL on error */
static PyObject *
default_backend(void)
{
    PyObject *name;
    PyObject *blocks = PyDict_GetItemWithError(backend_globals, str_traced_blocks);
    if (blocks == NULL && PyErr_Occurred())
        return NULL;
    if (blocks == NULL || !PyList_CheckExact(blocks) || PyList_GET_SIZE(blocks) != 1
            || PyList_GET_ITEM(blocks, 0) != zero) {
        name = PyObject_GetAttr(traced_local, str_name);
        if (name == NULL || kept_if_true(&name) != 0)
            return name;  /* (NULL on error) */
    }
    if (PyContextVar_Get(backend_var, Py_None, &name) < 0)
        return NULL;
    if (kept_if_true(&name) != 0)
        return name;
    name = PyDict_GetItemWithError(backend_globals, str_global_default);
    if (name == NULL && !PyErr_Occurred())
        PyErr_SetString(PyExc_RuntimeError, "crossops._fastpath: no default backend");
    return Py_XNewRef(name);
}

/* f(*args, **kwargs) for the ``n`` arguments ``args`` and a dict ``kwargs`` of a few
 * keywords: a static builtin (torch's) is given the dict itself (see call_static); any
 * other function by vectorcall, the keywords' names as a tuple, which CPython's own call
 * with a dict would make too, but without unpacking the dict into a new stack */
static PyObject *
call_keywords(PyObject *f, PyObject *const *args, Py_ssize_t n, PyObject *kwargs)
{
    PyCFunctionWithKeywords meth = static_meth(f);
    if (meth != NULL)
        return call_static(meth, args, n, kwargs);
    Py_ssize_t nkw = PyDict_GET_SIZE(kwargs);
    if (n + nkw > MAX_PARAMS)
        return PyObject_VectorcallDict(f, args, n, kwargs);
    PyObject *stack[MAX_PARAMS];
    PyObject *names = PyTuple_New(nkw);
    if (names == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < n; i++)
        stack[i] = args[i];
    PyObject *key, *value;
    Py_ssize_t pos = 0, i = 0;
    while (PyDict_Next(kwargs, &pos, &key, &value) && i < nkw) {
        PyTuple_SET_ITEM(names, i, Py_NewRef(key));
        stack[n + i++] = value;  /* (borrowed: the route holds the dict) */
    }
    PyObject *out = PyObject_Vectorcall(f, stack, n, names);
    Py_DECREF(names);
    return out;
}

/* ``build(floatx, backend, types)`` (``types``: the tuple of the arguments' types): the
 * route it finds and keeps (a new reference), or NULL on error */
static PyObject *
build_creation(Creation *s, PyObject *floatx, PyObject *backend, PyObject *const *args,
               Py_ssize_t nargs)
{
    PyObject *types = PyTuple_New(nargs);
    if (types == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < nargs; i++)
        PyTuple_SET_ITEM(types, i, Py_NewRef((PyObject *)Py_TYPE(args[i])));
    PyObject *route = PyObject_CallFunctionObjArgs(s->build, floatx, backend, types, NULL);
    Py_DECREF(types);
    return route;
}

static PyObject *
call_creation(PyObject *m, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    Creation *s = PyModule_GetState(m);
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    if (kwnames != NULL || nargs != s->nreq || traced_local == NULL)
        goto fallback;
    /* Python numbers, or a first argument that is a tuple or list (a shape): an array
       (``linspace(start, stop)``'s bounds) may choose the backend, or Keras's dtype rule
       read it (the generated function's call) */
    PyObject *first = args[0];
    if (!(PyLong_Check(first) || PyFloat_CheckExact(first) || PyComplex_CheckExact(first)
            || PyTuple_Check(first) || PyList_CheckExact(first)))
        goto fallback;
    for (Py_ssize_t i = 1; i < nargs; i++) {
        PyObject *v = args[i];
        if (!(PyLong_Check(v) || PyFloat_CheckExact(v) || PyComplex_CheckExact(v)))
            goto fallback;
    }
    PyObject *backend = default_backend();
    if (backend == NULL)
        goto failed;
    PyObject *floatx = Py_None;
    if (s->settings != NULL) {
        floatx = PyDict_GetItemWithError(s->settings, str_floatx);
        if (floatx == NULL) {
            Py_DECREF(backend);
            goto failed;
        }
    }
    PyObject *route = PyDict_GetItemWithError(s->routes, floatx);  /* (all borrowed) */
    if (route != NULL)
        route = PyDict_GetItemWithError(route, backend);
    for (Py_ssize_t i = 0; i < nargs && route != NULL && PyDict_CheckExact(route); i++)
        route = PyDict_GetItemWithError(route, (PyObject *)Py_TYPE(args[i]));
    if (route != NULL)
        Py_INCREF(route);
    else if (PyErr_Occurred() || (route = build_creation(s, floatx, backend, args,
                                                         nargs)) == NULL) {
        Py_DECREF(backend);
        goto failed;
    }
    Py_DECREF(backend);
    PyObject *f = route, *kwargs = NULL;
    if (PyTuple_CheckExact(route) && PyTuple_GET_SIZE(route) == 2) {  /* with keywords */
        f = PyTuple_GET_ITEM(route, 0);
        kwargs = PyTuple_GET_ITEM(route, 1);
    }
    else if (PyTuple_CheckExact(route) && PyTuple_GET_SIZE(route) == 3) {  /* a guard */
        f = PyTuple_GET_ITEM(route, 0);
        PyObject *now = PyObject_CallNoArgs(PyTuple_GET_ITEM(route, 1));
        if (now == NULL) {
            Py_DECREF(route);
            goto failed;
        }
        Py_DECREF(now);  /* (compared by identity: the route holds ``expected``) */
        if (now != PyTuple_GET_ITEM(route, 2))
            f = Py_None;
    }
    if (f == Py_None) {
        Py_DECREF(route);
        goto fallback;
    }
    PyObject *out = kwargs == NULL ? call_function(f, args, nargs)
                                   : call_keywords(f, args, nargs, kwargs);
    Py_DECREF(route);
    if (out != NULL || !PyErr_ExceptionMatches(PyExc_Exception))
        return out;
failed:
    if (!PyErr_ExceptionMatches(PyExc_Exception))
        return NULL;
    PyErr_Clear();
fallback:
    return PyObject_Vectorcall(s->fallback, args, nargs, kwnames);
}

static PyObject *
creation_vectorcall(PyObject *fn, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    return call_creation(((PyCFunctionObject *)fn)->m_self, args, nargsf, kwnames);
}

PyDoc_STRVAR(creation_doc,
"creation(name, doc, module, fallback, nreq, routes, build, settings=None)\n--\n\n"
"A builtin named ``name`` for an op without array arguments (see \"Creation fronts\" in\n"
"_fastpath.c): a call of its ``nreq`` required arguments alone, by position, calls the\n"
"route ``routes[floatx][backend]`` for the default backend (``floatx``:\n"
"``settings['floatx']``, or None without ``settings``), which ``build(floatx, backend,\n"
"the arguments' types)`` gives where missing; every other call ``fallback``.");

static PyObject *
creation(PyObject *self, PyObject *args)
{
    PyObject *name, *doc, *module, *fallback, *routes, *build, *settings = Py_None;
    Py_ssize_t nreq;
    if (!PyArg_ParseTuple(args, "UUUOnO!O|O:creation", &name, &doc, &module, &fallback,
                          &nreq, &PyDict_Type, &routes, &build, &settings))
        return NULL;
    if (nreq < 1 || !PyCallable_Check(fallback) || !PyCallable_Check(build)
            || (settings != Py_None && !PyDict_Check(settings))) {
        PyErr_SetString(PyExc_ValueError, "creation: inconsistent arguments");
        return NULL;
    }
    PyObject *m = PyModule_Create(&creation_def);
    if (m == NULL)
        return NULL;
    Creation *s = PyModule_GetState(m);
    s->def.ml_name = copy_string(name);
    s->def.ml_doc = copy_string(doc);
    if (s->def.ml_name == NULL || s->def.ml_doc == NULL) {
        Py_DECREF(m);
        return NULL;
    }
    s->def.ml_meth = (PyCFunction)(void (*)(void))call_creation;
    s->def.ml_flags = METH_FASTCALL | METH_KEYWORDS;
    s->fallback = Py_NewRef(fallback);
    s->routes = Py_NewRef(routes);
    s->build = Py_NewRef(build);
    s->settings = settings == Py_None ? NULL : Py_NewRef(settings);
    s->nreq = nreq;
    FrontFunction *fn = PyObject_GC_New(FrontFunction, &FrontFunction_Type);
    if (fn == NULL) {
        Py_DECREF(m);
        return NULL;
    }
    fn->base.m_ml = &s->def;
    fn->base.m_self = m;
    fn->base.m_module = Py_NewRef(module);
    fn->base.m_weakreflist = NULL;
    fn->base.vectorcall = creation_vectorcall;
    fn->wrapped = Py_NewRef(fallback);
    fn->doc = PyObject_GetAttrString(fallback, "__doc__");
    if (fn->doc == NULL) {
        fn->doc = Py_NewRef(Py_None);
        PyErr_Clear();
    }
    PyObject_GC_Track(fn);
    return (PyObject *)fn;
}

static PyObject *
creation_setup(PyObject *self, PyObject *args)
{
    PyObject *traced, *var, *globals;
    if (!PyArg_ParseTuple(args, "OO!O!:creation_setup", &traced, &PyContextVar_Type, &var,
                          &PyDict_Type, &globals))
        return NULL;
    Py_XSETREF(traced_local, Py_NewRef(traced));
    Py_XSETREF(backend_var, Py_NewRef(var));
    Py_XSETREF(backend_globals, Py_NewRef(globals));
    Py_RETURN_NONE;
}

PyDoc_STRVAR(creation_setup_doc,
"creation_setup(traced, var, globals)\n--\n\n"
"Where the creation fronts read the default backend: ``traced.name`` (where\n"
"``globals['_traced_blocks']`` is not ``[0]``), else the ContextVar ``var``, else\n"
"``globals['_global_default']`` (crossops._backend's).");

static PyObject *
plain_changed(PyObject *self, PyObject *unused)
{
    plain_generation++;
    Py_RETURN_NONE;
}

PyDoc_STRVAR(plain_changed_doc,
"plain_changed()\n--\n\n"
"Start a new generation of the plain caches: the fronts read them afresh\n"
"(``crossops._accel.FrontDict`` calls it on every change).");

/* the index ``(slice(s0, s0 + n0), slice(s1, s1 + n1), ...)`` of the window of ``x`` at
 * ``starts`` of ``sizes`` (tuples or lists of Python ints, one per axis of ``x``, whose
 * window lies inside it); NULL with ValueError for any other (or the error of reading
 * ``x.shape``) */
static PyObject *
window_index(PyObject *x, PyObject *starts, PyObject *sizes)
{
    if (!(PyTuple_CheckExact(starts) || PyList_CheckExact(starts))
            || !(PyTuple_Check(sizes) || PyList_CheckExact(sizes)))
        goto refuse;
    PyObject *shape = PyObject_GetAttr(x, str_shape);
    if (shape == NULL)
        return NULL;
    Py_ssize_t nd = PyTuple_Check(shape) ? PyTuple_GET_SIZE(shape) : -1;
    if (nd < 0 || PySequence_Fast_GET_SIZE(starts) != nd
            || PySequence_Fast_GET_SIZE(sizes) != nd) {
        Py_DECREF(shape);
        goto refuse;
    }
    PyObject *index = PyTuple_New(nd);
    if (index == NULL) {
        Py_DECREF(shape);
        return NULL;
    }
    for (Py_ssize_t i = 0; i < nd; i++) {
        PyObject *s = PySequence_Fast_GET_ITEM(starts, i);
        PyObject *n = PySequence_Fast_GET_ITEM(sizes, i);
        PyObject *d = PyTuple_GET_ITEM(shape, i);
        if (!PyLong_CheckExact(s) || !PyLong_Check(n) || PyBool_Check(n) || !PyLong_Check(d))
            goto refuse_index;
        Py_ssize_t lo = PyLong_AsSsize_t(s), size = PyLong_AsSsize_t(n);
        Py_ssize_t dim = PyLong_AsSsize_t(d);
        if (PyErr_Occurred()) {
            PyErr_Clear();
            goto refuse_index;
        }
        if (lo < 0 || size < 0 || lo > dim - size)
            goto refuse_index;
        PyObject *hi = PyLong_FromSsize_t(lo + size);
        PyObject *sl = hi == NULL ? NULL : PySlice_New(s, hi, NULL);
        Py_XDECREF(hi);
        if (sl == NULL) {
            Py_DECREF(index);
            Py_DECREF(shape);
            return NULL;
        }
        PyTuple_SET_ITEM(index, i, sl);
    }
    Py_DECREF(shape);
    return index;
refuse_index:
    Py_DECREF(index);
    Py_DECREF(shape);
refuse:
    PyErr_SetString(PyExc_ValueError, "window: starts and sizes must be tuples or lists of "
                    "ints, one per axis, whose window lies inside x");
    return NULL;
}

/* window(x, starts, sizes): ``x[s0:s0 + n0, s1:s1 + n1, ...]`` */
static PyObject *
window(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3) {
        PyErr_SetString(PyExc_TypeError, "window() takes x, starts and sizes");
        return NULL;
    }
    PyObject *index = window_index(args[0], args[1], args[2]);
    if (index == NULL)
        return NULL;
    PyObject *out = PyObject_GetItem(args[0], index);
    Py_DECREF(index);
    return out;
}

/* window_update(copy, x, starts, updates): ``copy(x)`` with its window at ``starts`` of
 * the shape of ``updates`` set to ``updates`` */
static PyObject *
window_update(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 4) {
        PyErr_SetString(PyExc_TypeError, "window_update() takes copy, x, starts and updates");
        return NULL;
    }
    PyObject *sizes = PyObject_GetAttr(args[3], str_shape);
    if (sizes == NULL)
        return NULL;
    PyObject *index = window_index(args[1], args[2], sizes);
    Py_DECREF(sizes);
    if (index == NULL)
        return NULL;
    PyObject *out = PyObject_CallOneArg(args[0], args[1]);
    if (out != NULL && PyObject_SetItem(out, index, args[3]) < 0)
        Py_CLEAR(out);
    Py_DECREF(index);
    return out;
}

PyDoc_STRVAR(window_update_doc,
"window_update(copy, x, starts, updates)\n--\n\n"
"``copy(x)`` with ``[s0:s0 + n0, s1:s1 + n1, ...]`` set to ``updates``, where\n"
"``(n0, n1, ...)`` is the shape of ``updates`` and ``starts`` a tuple or list of Python\n"
"ints, one per axis of ``x``, whose window lies inside it (``core.slice_update``'s common\n"
"call, with the backend's copy: ``ndarray.copy``, ``torch.Tensor.clone``); ValueError\n"
"for any other call, which the op's own function then takes.");

PyDoc_STRVAR(window_doc,
"window(x, starts, sizes)\n--\n\n"
"``x[s0:s0 + n0, s1:s1 + n1, ...]``, where ``starts`` and ``sizes`` are tuples or lists\n"
"of Python ints, one per axis of ``x``, whose window lies inside it (``core.slice``'s\n"
"common call, a backend's ``AT_DEFAULTS`` function); ValueError for any other call,\n"
"which the op's own function then takes (clamping, ``-1`` sizes, array starts).");

static PyMethodDef methods[] = {
    {"plain_changed", plain_changed, METH_NOARGS, plain_changed_doc},
    {"front", front, METH_VARARGS, front_doc},
    {"not_given", set_not_given, METH_O, not_given_doc},
    {"creation", creation, METH_VARARGS, creation_doc},
    {"creation_setup", creation_setup, METH_VARARGS, creation_setup_doc},
    {"window", (PyCFunction)(void (*)(void))window, METH_FASTCALL, window_doc},
    {"window_update", (PyCFunction)(void (*)(void))window_update, METH_FASTCALL,
     window_update_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "crossops._fastpath",
    "The cache-hit path of crossops's dispatch, in C (see crossops._dispatch).",
    -1, methods,
};

PyMODINIT_FUNC
PyInit__fastpath(void)
{
    str_dtype = PyUnicode_InternFromString("dtype");
    str_ndim = PyUnicode_InternFromString("ndim");
    str_shape = PyUnicode_InternFromString("shape");
    str_name = PyUnicode_InternFromString("name");
    str_global_default = PyUnicode_InternFromString("_global_default");
    str_traced_blocks = PyUnicode_InternFromString("_traced_blocks");
    zero = PyLong_FromLong(0);
    str_floatx = PyUnicode_InternFromString("floatx");
    if (str_name == NULL || str_global_default == NULL || str_floatx == NULL
            || str_traced_blocks == NULL || zero == NULL)
        return NULL;
    if (str_dtype == NULL || str_ndim == NULL || str_shape == NULL)
        return NULL;
    if (PyType_Ready(&FrontFunction_Type) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&module_def);
    if (m != NULL && PyModule_AddIntConstant(m, "MAX_PARAMS", MAX_PARAMS) < 0)
        Py_CLEAR(m);
    return m;
}
