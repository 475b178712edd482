use super::{Merge, WriteBehind};
use daz_core::BoxError;
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone, PartialEq)]
struct Count(u32);

impl Merge for Count {
    fn merge(&mut self, newer: Self) {
        self.0 += newer.0;
    }
}

#[tokio::test]
async fn updates_merge_and_a_failed_flush_keeps_the_rest() {
    let kept: WriteBehind<&'static str, Count> = WriteBehind::default();
    kept.add("ann", Count(1));
    kept.add("ann", Count(2));
    kept.add("bob", Count(5));
    assert_eq!(kept.len(), 2);
    let db: Arc<Mutex<Vec<(&str, u32)>>> = Arc::default();
    let down = Arc::new(Mutex::new(true));
    let ids: Arc<Mutex<Vec<u64>>> = Arc::default();
    let write = |key: &'static str, id: u64, value: Count| {
        let ids = Arc::clone(&ids);
        let db = Arc::clone(&db);
        let down = Arc::clone(&down);
        async move {
            ids.lock().map_err(|e| e.to_string())?.push(id);
            if *down.lock().map_err(|e| e.to_string())? {
                return Err::<(), BoxError>("the database is down".into());
            }
            db.lock().map_err(|e| e.to_string())?.push((key, value.0));
            Ok(())
        }
    };
    assert!(kept.flush(&write).await.is_err());
    assert_eq!(kept.len(), 2, "nothing lost while down");
    let first_id = ids.lock().unwrap()[0];
    // Added while the first write is owed: written after it, apart.
    kept.add("ann", Count(4));
    *down.lock().unwrap() = false;
    assert_eq!(kept.flush(&write).await.unwrap(), 3);
    let mut written = db.lock().unwrap().clone();
    written.sort_unstable();
    assert_eq!(written, [("ann", 3), ("ann", 4), ("bob", 5)]);
    // The failed write came again with its id.
    let ids = ids.lock().unwrap().clone();
    assert_eq!(ids.iter().filter(|i| **i == first_id).count(), 2, "{ids:?}");
    assert_eq!(kept.len(), 0);
    assert_eq!(kept.flush(&write).await.unwrap(), 0);
}
