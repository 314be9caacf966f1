//! What a stage's `stage.toml` says of its exercise: the chapter that teaches it, and for
//! each part what it asks for, the section, and the hints (see `minitalk_manifest`).

pub use minitalk_manifest::Exercise as ExerciseHints;
use minitalk_manifest::Manifest;

/// A stage's exercise, as its manifest describes it.
#[derive(Clone, Debug, Default)]
pub struct StageHints {
    /// The chapter, relative to `book/src/`.
    pub chapter: Option<String>,
    pub exercises: Vec<ExerciseHints>,
}

impl StageHints {
    pub fn of(manifest: &Manifest) -> StageHints {
        StageHints {
            chapter: Some(manifest.chapter.clone()),
            exercises: manifest.exercises.clone(),
        }
    }

    /// The part called `name`.
    pub fn get(&self, name: &str) -> Option<&ExerciseHints> {
        self.exercises.iter().find(|e| e.name == name)
    }
}
