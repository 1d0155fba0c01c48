//! The board's drag as a pure state machine (PL-2): pointer events go in, what to show and
//! which move to make come out. A mouse picks a card up after a few pixels; a finger after a
//! long press without moving — a finger that moves first is scrolling, and the drag is off.
//! No DOM here, so every rule is tested natively.

/// A mouse lifts a card once it moved this far (px) with the button down.
pub const MOUSE_LIFT_PX: f64 = 5.0;
/// A finger that moves this far (px) before the long press is scrolling.
pub const TOUCH_SCROLL_PX: f64 = 10.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pointer {
    Mouse,
    /// A finger or a pen: picked up by a long press.
    Touch,
}

impl Pointer {
    /// From a pointer event's `pointerType`.
    pub fn of(pointer_type: &str) -> Pointer {
        if pointer_type == "mouse" { Pointer::Mouse } else { Pointer::Touch }
    }
}

/// A drag in progress.
#[derive(Clone, Debug, PartialEq)]
pub struct Drag {
    pub id: uuid::Uuid,
    pub title: String,
    /// The stage the card is in.
    pub from: String,
    pub pointer_id: i32,
    pub pointer: Pointer,
    pub start: (f64, f64),
    pub at: (f64, f64),
    /// The grab point inside the card, so the card stays under the finger.
    pub grab: (f64, f64),
    pub width: f64,
    /// Picked up (a mouse after a few pixels, a finger after a long press).
    pub lifted: bool,
    /// The stage column under the pointer.
    pub over: Option<String>,
}

/// What a pointer move did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Moved {
    /// Another pointer, or a card not yet lifted that stays put: nothing to do.
    Ignored,
    /// A finger moved before the long press: it scrolls, the drag is over.
    Cancelled,
    /// The lifted card follows the pointer: show it there (and keep the page from scrolling).
    Followed,
}

/// A card dropped on another column: the move to make (or to refuse).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Drop {
    pub id: uuid::Uuid,
    pub title: String,
    pub to: String,
}

impl Drag {
    /// A pointer went down on card `id` (in stage `from`) at `at`; `card` is the card's
    /// top-left corner and width, for the grab point.
    pub fn start(
        id: uuid::Uuid,
        title: String,
        from: String,
        (pointer_id, pointer): (i32, Pointer),
        at: (f64, f64),
        card: (f64, f64, f64),
    ) -> Drag {
        Drag {
            id,
            title,
            from,
            pointer_id,
            pointer,
            start: at,
            at,
            grab: (at.0 - card.0, at.1 - card.1),
            width: card.2,
            lifted: false,
            over: None,
        }
    }

    /// The pointer moved to `at`; `column_at` finds the stage column at a point.
    pub fn moved(
        &mut self,
        pointer_id: i32,
        at: (f64, f64),
        column_at: impl FnOnce(f64, f64) -> Option<String>,
    ) -> Moved {
        if pointer_id != self.pointer_id {
            return Moved::Ignored;
        }
        if !self.lifted {
            let distance = (at.0 - self.start.0).hypot(at.1 - self.start.1);
            match self.pointer {
                Pointer::Mouse if distance > MOUSE_LIFT_PX => self.lifted = true,
                Pointer::Touch if distance > TOUCH_SCROLL_PX => return Moved::Cancelled,
                _ => return Moved::Ignored,
            }
        }
        self.at = at;
        self.over = column_at(at.0, at.1);
        Moved::Followed
    }

    /// The long press on card `id` has lasted: a finger still on it picks it up, over its own
    /// column. Whether that happened.
    pub fn long_press(&mut self, id: uuid::Uuid) -> bool {
        if self.id != id || self.lifted {
            return false;
        }
        self.lifted = true;
        self.over = Some(self.from.clone());
        true
    }

    /// The pointer was released: the move to make when a lifted card is over another column;
    /// `None` for a click (never lifted), a drop on its own column or outside the board.
    pub fn released(self, pointer_id: i32) -> Option<Drop> {
        if pointer_id != self.pointer_id || !self.lifted {
            return None;
        }
        match self.over {
            Some(to) if to != self.from => Some(Drop { id: self.id, title: self.title, to }),
            _ => None,
        }
    }

    /// Where the ghost card is drawn: the pointer minus the grab point.
    pub fn ghost_at(&self) -> (f64, f64) {
        (self.at.0 - self.grab.0, self.at.1 - self.grab.1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drag(pointer: Pointer) -> Drag {
        Drag::start(uuid::Uuid::nil(), "Vans".into(), "new".into(), (7, pointer), (100.0, 100.0), (90.0, 80.0, 250.0))
    }

    fn column(name: &'static str) -> impl FnOnce(f64, f64) -> Option<String> {
        move |_, _| Some(name.to_owned())
    }

    #[test]
    fn a_mouse_lifts_the_card_after_a_few_pixels() {
        let mut d = drag(Pointer::Mouse);
        assert_eq!(d.grab, (10.0, 20.0));
        assert_eq!(d.moved(7, (103.0, 101.0), column("new")), Moved::Ignored, "a jitter is still a click");
        assert!(!d.lifted);
        assert_eq!(d.moved(7, (110.0, 100.0), column("contacted")), Moved::Followed);
        assert!(d.lifted);
        assert_eq!(d.over.as_deref(), Some("contacted"));
        assert_eq!(d.ghost_at(), (100.0, 80.0));
    }

    #[test]
    fn a_finger_that_moves_before_the_long_press_scrolls() {
        let mut d = drag(Pointer::Touch);
        assert_eq!(d.moved(7, (104.0, 104.0), column("new")), Moved::Ignored);
        assert_eq!(d.moved(7, (100.0, 130.0), column("new")), Moved::Cancelled);
        let mut held = drag(Pointer::Touch);
        assert!(held.long_press(uuid::Uuid::nil()));
        assert_eq!(held.over.as_deref(), Some("new"), "picked up over its own column");
        assert!(!held.long_press(uuid::Uuid::nil()), "once");
        assert_eq!(held.moved(7, (100.0, 300.0), column("qualified")), Moved::Followed);
        assert_eq!(
            held.released(7),
            Some(Drop { id: uuid::Uuid::nil(), title: "Vans".into(), to: "qualified".into() })
        );
    }

    #[test]
    fn only_a_lifted_card_over_another_column_moves() {
        assert_eq!(drag(Pointer::Mouse).released(7), None, "a click opens the card instead");
        let mut home = drag(Pointer::Mouse);
        home.moved(7, (140.0, 100.0), column("new"));
        assert_eq!(home.released(7), None, "dropped where it was");
        let mut outside = drag(Pointer::Mouse);
        outside.moved(7, (140.0, 100.0), |_, _| None);
        assert_eq!(outside.released(7), None, "dropped outside the board");
        let mut other = drag(Pointer::Mouse);
        other.moved(7, (140.0, 100.0), column("lost"));
        assert_eq!(other.clone().released(8), None, "another pointer's release");
        assert_eq!(other.released(7).map(|d| d.to), Some("lost".to_owned()));
    }

    #[test]
    fn another_pointer_or_card_changes_nothing() {
        let mut d = drag(Pointer::Touch);
        assert_eq!(d.moved(9, (500.0, 500.0), column("won")), Moved::Ignored);
        assert!(!d.long_press(uuid::Uuid::from_u128(1)));
        assert_eq!(d, drag(Pointer::Touch));
        assert_eq!(Pointer::of("mouse"), Pointer::Mouse);
        assert_eq!(Pointer::of("pen"), Pointer::Touch);
    }
}
