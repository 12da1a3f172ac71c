//! The reentrant account and group database calls (`getpwuid_r` and its kin) all want a buffer
//! that may prove too small: one loop grows it for all of them.

/// Calls `call` with a buffer, doubling it while the call answers ERANGE (up to 1 MiB). `call`
/// returns the call's status and what it found; nothing is found on any other error.
pub(crate) fn with_buffer<T>(
    mut call: impl FnMut(&mut [libc::c_char]) -> (libc::c_int, Option<T>),
) -> Option<T> {
    let mut buf = vec![0 as libc::c_char; 4096];
    loop {
        let (rc, found) = call(&mut buf);
        if rc == libc::ERANGE && buf.len() < 1 << 20 {
            buf.resize(buf.len() * 2, 0);
            continue;
        }
        return if rc == 0 { found } else { None };
    }
}

/// A name from an account or group entry: `None` for a null or empty one.
///
/// # Safety
/// `name` is null or points to a NUL-terminated string that lives as long as the call.
pub(crate) unsafe fn name_at(name: *const libc::c_char) -> Option<String> {
    if name.is_null() {
        return None;
    }
    // SAFETY: the caller promises a NUL-terminated string.
    let name = unsafe { std::ffi::CStr::from_ptr(name) };
    name.to_str()
        .ok()
        .filter(|n| !n.is_empty())
        .map(str::to_string)
}
