//! Score milestones (achievements), streaks and test study plans.
//!
//! The score is 2 points per right answer and 1 per wrong one ([`crate::review_points`]).
//! Twenty milestones unlock as it grows; four of them are awards.

use chrono::{Duration, NaiveDate};
use serde::Serialize;

/// How hard an achievement is; the iOS client decodes exactly these four values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    /// `beginner`
    Beginner,
    /// `intermediate`
    Intermediate,
    /// `advanced`
    Advanced,
    /// `expert`
    Expert,
}

/// One score milestone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Achievement {
    /// The score that unlocks it.
    pub milestone: i64,
    /// Its name.
    pub title: &'static str,
    /// An SF Symbols name the app draws.
    pub symbol: &'static str,
    /// Its tier.
    pub tier: Tier,
    /// Whether it is one of the four awards.
    pub is_award: bool,
}

const fn milestone(
    milestone: i64,
    title: &'static str,
    symbol: &'static str,
    tier: Tier,
    is_award: bool,
) -> Achievement {
    Achievement {
        milestone,
        title,
        symbol,
        tier,
        is_award,
    }
}

/// Every achievement, by rising milestone.
pub const ACHIEVEMENTS: [Achievement; 20] = [
    milestone(1, "First Step", "figure.walk", Tier::Beginner, false),
    milestone(100, "Word Sprout", "leaf", Tier::Beginner, false),
    milestone(300, "Curious Mind", "lightbulb", Tier::Beginner, false),
    milestone(500, "Steady Learner", "book", Tier::Beginner, false),
    milestone(
        1000,
        "Word Collector",
        "books.vertical",
        Tier::Intermediate,
        false,
    ),
    milestone(1500, "Memory Builder", "brain", Tier::Intermediate, false),
    milestone(
        2000,
        "Vocabulary Climber",
        "mountain.2",
        Tier::Intermediate,
        false,
    ),
    milestone(2500, "Sharp Recall", "bolt", Tier::Intermediate, false),
    milestone(3000, "Word Explorer", "map", Tier::Advanced, false),
    milestone(
        3500,
        "Lexicon Builder",
        "building.columns",
        Tier::Advanced,
        false,
    ),
    milestone(
        4000,
        "Fluent Reader",
        "text.book.closed",
        Tier::Advanced,
        false,
    ),
    milestone(4500, "Language Voyager", "airplane", Tier::Advanced, false),
    milestone(5000, "Bronze Scholar", "medal", Tier::Advanced, true),
    milestone(6000, "Word Artisan", "paintbrush", Tier::Expert, false),
    milestone(7000, "Polyglot Path", "globe", Tier::Expert, false),
    milestone(8000, "Lexicon Sage", "graduationcap", Tier::Expert, false),
    milestone(9000, "Word Wizard", "wand.and.stars", Tier::Expert, false),
    milestone(10000, "Silver Scholar", "rosette", Tier::Expert, true),
    milestone(15000, "Gold Scholar", "trophy", Tier::Expert, true),
    milestone(20000, "Vocabulary Legend", "crown", Tier::Expert, true),
];

/// Where a score stands among the achievements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AchievementProgress {
    /// The highest unlocked achievement, if any.
    pub current: Option<Achievement>,
    /// The lowest achievement still locked, if any.
    pub next: Option<Achievement>,
}

impl Achievement {
    /// Whether `score` has reached this milestone.
    pub fn unlocked(&self, score: i64) -> bool {
        score >= self.milestone
    }
}

/// The current and next achievements for `score`.
pub fn achievement_progress(score: i64) -> AchievementProgress {
    AchievementProgress {
        current: ACHIEVEMENTS
            .iter()
            .rev()
            .find(|a| a.unlocked(score))
            .copied(),
        next: ACHIEVEMENTS.iter().find(|a| !a.unlocked(score)).copied(),
    }
}

/// How many consecutive days, ending today or yesterday, are among `days` (any order,
/// duplicates allowed). A streak survives until the end of the day after its last day,
/// so a user who practised yesterday but not yet today keeps it; days after `today`
/// are ignored.
pub fn streak_length(today: NaiveDate, days: &[NaiveDate]) -> u32 {
    let has = |day: NaiveDate| days.contains(&day);
    let mut day = if has(today) {
        today
    } else {
        today - Duration::days(1)
    };
    let mut length = 0;
    while has(day) {
        length += 1;
        day -= Duration::days(1);
    }
    length
}

/// The plan lengths, in days, offered for a test.
pub const STUDY_PLAN_DAYS: [i64; 4] = [10, 30, 60, 90];

/// One study plan: learning `total_words` in `days` days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StudyPlan {
    /// The plan's length.
    pub days: i64,
    /// New words per day, rounded up so the plan ends on time (0 only for an empty test).
    pub words_per_day: i64,
}

/// The study plans of [`STUDY_PLAN_DAYS`] for a test of `total_words` words.
pub fn study_plans(total_words: i64) -> Vec<StudyPlan> {
    STUDY_PLAN_DAYS
        .iter()
        .map(|&days| StudyPlan {
            days,
            words_per_day: (total_words.max(0) + days - 1) / days,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn twenty_milestones_rise_with_four_awards() {
        let milestones: Vec<i64> = ACHIEVEMENTS.iter().map(|a| a.milestone).collect();
        assert_eq!(
            milestones,
            [
                1, 100, 300, 500, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 4500, 5000, 6000, 7000,
                8000, 9000, 10000, 15000, 20000
            ]
        );
        let awards: Vec<i64> = ACHIEVEMENTS
            .iter()
            .filter(|a| a.is_award)
            .map(|a| a.milestone)
            .collect();
        assert_eq!(awards, [5000, 10000, 15000, 20000]);
        for pair in ACHIEVEMENTS.windows(2) {
            if let [a, b] = pair {
                assert!(a.tier as u8 <= b.tier as u8, "{} then {}", a.title, b.title);
            }
        }
    }

    #[test]
    fn tiers_serialize_as_the_clients_enum() {
        let tiers: Vec<String> = [
            Tier::Beginner,
            Tier::Intermediate,
            Tier::Advanced,
            Tier::Expert,
        ]
        .iter()
        .map(|t| {
            serde_json::to_value(t)
                .unwrap()
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
        assert_eq!(tiers, ["beginner", "intermediate", "advanced", "expert"]);
    }

    #[test]
    fn progress_names_the_current_and_the_next_milestone() {
        let cases = [
            (0, None, Some(1)),
            (1, Some(1), Some(100)),
            (99, Some(1), Some(100)),
            (100, Some(100), Some(300)),
            (5001, Some(5000), Some(6000)),
            (20000, Some(20000), None),
            (99999, Some(20000), None),
        ];
        for (score, current, next) in cases {
            let p = achievement_progress(score);
            assert_eq!(p.current.map(|a| a.milestone), current, "score {score}");
            assert_eq!(p.next.map(|a| a.milestone), next, "score {score}");
        }
    }

    #[test]
    fn a_streak_counts_back_from_today_or_yesterday() {
        let today = date("2025-03-10");
        let cases: [(&[&str], u32, &str); 7] = [
            (&[], 0, "no days"),
            (&["2025-03-10"], 1, "only today"),
            (&["2025-03-09"], 1, "only yesterday: still alive"),
            (&["2025-03-08"], 0, "the day before yesterday: broken"),
            (
                &["2025-03-10", "2025-03-09", "2025-03-08", "2025-03-06"],
                3,
                "a gap",
            ),
            (
                &["2025-03-09", "2025-03-08", "2025-03-07"],
                3,
                "up to yesterday",
            ),
            (
                &["2025-03-11", "2025-03-10", "2025-03-10"],
                1,
                "future and repeated days",
            ),
        ];
        for (days, expected, description) in cases {
            let days: Vec<NaiveDate> = days.iter().map(|d| date(d)).collect();
            assert_eq!(streak_length(today, &days), expected, "{description}");
        }
    }

    #[test]
    fn study_plans_round_words_per_day_up() {
        let per_day =
            |total| -> Vec<i64> { study_plans(total).iter().map(|p| p.words_per_day).collect() };
        assert_eq!(per_day(0), [0, 0, 0, 0]);
        assert_eq!(per_day(15), [2, 1, 1, 1]);
        assert_eq!(per_day(60), [6, 2, 1, 1]);
        assert_eq!(per_day(3000), [300, 100, 50, 34]);
        let days: Vec<i64> = study_plans(1).iter().map(|p| p.days).collect();
        assert_eq!(days, STUDY_PLAN_DAYS);
    }
}
