//! Work that reads each file on its own, spread over the cores. syn's values are not `Send`, so
//! only byte-level work (scans, searches) runs here; parsing stays on the calling thread.

/// How many threads per-file work uses: `SESSIONLINT_THREADS`, else the cores, at most 8.
pub fn threads() -> usize {
    std::env::var("SESSIONLINT_THREADS")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .clamp(1, 8)
}

/// `items.iter().map(f).collect()`, in order, on `threads()` threads when there are enough
/// items for the threads to pay for themselves. Threads take the next few items as they come
/// free: costly items may lie together (the files of one crate) or alternate (a file with
/// session types, one without).
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = threads().min(items.len());
    if threads <= 1 || items.len() < 16 {
        return items.iter().map(f).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let (f, next) = (&f, &next);
    const BLOCK: usize = 4;
    let mut done: Vec<(usize, Vec<R>)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(move || {
                    let mut mine = Vec::new();
                    loop {
                        let at = next.fetch_add(BLOCK, std::sync::atomic::Ordering::Relaxed);
                        if at >= items.len() {
                            return mine;
                        }
                        let block = &items[at..(at + BLOCK).min(items.len())];
                        mine.push((at, block.iter().map(f).collect()));
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("per-file work never panics"))
            .collect()
    });
    done.sort_unstable_by_key(|(at, _)| *at);
    done.into_iter().flat_map(|(_, r)| r).collect()
}

/// `items.iter().map(f).for_each(consume)`: `f` on `threads()` threads, `consume` on the calling
/// thread in the items' order, each result as soon as it and those before it are done. The
/// calling thread's own (non-`Send`) work then overlaps the byte-level work of the files after.
pub fn in_order<T: Sync, R: Send>(
    items: &[T],
    f: impl Fn(&T) -> R + Sync,
    mut consume: impl FnMut(R),
) {
    let threads = threads().min(items.len());
    if threads <= 1 || items.len() < 16 {
        return items.iter().map(f).for_each(&mut consume);
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let (f, next) = (&f, &next);
    const BLOCK: usize = 4;
    std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::channel::<(usize, Vec<R>)>();
        // The calling thread is busy too: one core is its own.
        for _ in 0..threads - 1 {
            let tx = tx.clone();
            s.spawn(move || loop {
                let at = next.fetch_add(BLOCK, std::sync::atomic::Ordering::Relaxed);
                if at >= items.len() {
                    return;
                }
                let block = &items[at..(at + BLOCK).min(items.len())];
                // The receiver leaves only when a consumer panicked: stop with it.
                if tx.send((at, block.iter().map(f).collect())).is_err() {
                    return;
                }
            });
        }
        drop(tx);
        let mut waiting = std::collections::BTreeMap::new();
        let mut want = 0;
        for (at, done) in rx {
            waiting.insert(at, done);
            while let Some(done) = waiting.remove(&want) {
                want += done.len();
                done.into_iter().for_each(&mut consume);
            }
        }
    });
}

/// `map`, over owned items.
pub fn map_into<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync) -> Vec<R> {
    let slots: Vec<std::sync::Mutex<Option<T>>> = items
        .into_iter()
        .map(|t| std::sync::Mutex::new(Some(t)))
        .collect();
    map(&slots, |slot| {
        let item = slot
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
            .expect("each item is taken once");
        f(item)
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_the_order_of_its_items() {
        let items: Vec<usize> = (0..1000).collect();
        assert_eq!(
            super::map(&items, |i| i * 2),
            (0..1000).map(|i| i * 2).collect::<Vec<_>>()
        );
        assert_eq!(super::map(&items[..3], |i| i + 1), vec![1, 2, 3]);
        let owned: Vec<String> = (0..100).map(|i| i.to_string()).collect();
        let back = super::map_into(owned.clone(), |s| s);
        assert_eq!(super::map_into(vec![1, 2], |i| i * 3), vec![3, 6]);
        assert_eq!(back, owned);
        let mut seen = Vec::new();
        super::in_order(&items, |i| i * 3, |r| seen.push(r));
        assert_eq!(seen, (0..1000).map(|i| i * 3).collect::<Vec<_>>());
        let mut few = Vec::new();
        super::in_order(&items[..2], |i| *i, |r| few.push(r));
        assert_eq!(few, vec![0, 1]);
    }
}
