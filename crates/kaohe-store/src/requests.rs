//! 退回补充: a reviewer's request to a county for more material on one item, with a reason.
//! Requests are kept for good (the triggers of migration 18 refuse a delete and any change but
//! closing); an import closes a request when it brings new evidence for the item (see
//! `evidence.rs`), and the item's verdict is then marked changed since reviewed.

use crate::locks::{Covered, refuse_locked};
use crate::{Reviewer, Store, now};
use anyhow::{Context, Result, bail};
use kaohe_core::evidence::Request;
use rusqlite::{Connection, params};

const REQUEST_SELECT: &str = "SELECT r.id, r.county_code, r.indicator_id, r.reason, r.asked_by,
        r.account, r.asked_at, r.closed_at, i.file
     FROM requests r
     JOIN counties c ON c.code = r.county_code
     JOIN indicators d ON d.id = r.indicator_id
     JOIN targets t ON t.id = d.target_id
     LEFT JOIN imports i ON i.id = r.closed_by";

fn request_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<Request> {
    Ok(Request {
        id: r.get(0)?,
        county_code: r.get(1)?,
        indicator_id: r.get(2)?,
        reason: r.get(3)?,
        asked_by: r.get(4)?,
        account: r.get(5)?,
        asked_at: r.get(6)?,
        closed_at: r.get(7)?,
        closed_by: r.get(8)?,
    })
}

/// The open requests of one item, oldest first.
pub(crate) fn open_requests_of(
    conn: &Connection,
    county_code: &str,
    indicator_id: &str,
) -> Result<Vec<Request>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{REQUEST_SELECT} WHERE r.county_code = ?1 AND r.indicator_id = ?2
             AND r.closed_at IS NULL ORDER BY r.id"
    ))?;
    let rows = stmt.query_map(params![county_code, indicator_id], request_of)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// County `county_code`'s open requests, oldest first (read through the open requests' index).
pub(crate) fn open_requests_in_county(
    conn: &Connection,
    county_code: &str,
) -> Result<Vec<Request>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{REQUEST_SELECT} WHERE r.county_code = ?1 AND r.closed_at IS NULL ORDER BY r.id"
    ))?;
    let rows = stmt.query_map([county_code], request_of)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

impl Store {
    /// Asks `county_code` for more material on `indicator_id`, for `reason` (trimmed; not
    /// empty): the request as written. Refused on an item a lock (审定) covers.
    pub fn open_request(
        &mut self,
        county_code: &str,
        indicator_id: &str,
        reason: &str,
        who: &Reviewer,
    ) -> Result<Request> {
        let reason = reason.trim();
        if reason.is_empty() {
            bail!("a request for more material needs a reason: give it with --reason TEXT");
        }
        let shown = self.path.display().to_string();
        let tx = self.write()?;
        refuse_locked(&tx, Covered::Indicator(indicator_id))?;
        tx.execute(
            "INSERT INTO requests (county_code, indicator_id, reason, asked_by, account, asked_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                county_code,
                indicator_id,
                reason,
                who.name,
                who.account,
                now()
            ],
        )?;
        let id = tx.last_insert_rowid();
        let request = tx.query_row(
            &format!("{REQUEST_SELECT} WHERE r.id = ?1"),
            [id],
            request_of,
        )?;
        tx.commit()
            .with_context(|| format!("cannot save the request into {shown}"))?;
        Ok(request)
    }

    /// Every request, open and closed, of one county (by code) or of all: counties in order,
    /// then indicators in document order, then oldest first.
    pub fn requests(&self, county: Option<&str>) -> Result<Vec<Request>> {
        let mut stmt = self.conn.prepare(&format!(
            "{REQUEST_SELECT} WHERE ?1 IS NULL OR r.county_code = ?1
             ORDER BY c.position, t.position, d.position, r.id"
        ))?;
        let rows = stmt.query_map([county], request_of)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}
