//! The push queue: every push on this instance goes through one task that applies the pushes
//! waiting at that moment (of different clients, at most [`MAX_GROUP`] of them and
//! [`MAX_GROUP_MUTATIONS`] mutations) in ONE transaction (`Db::push_group`). Writers serialise
//! on the sync counter's row anyway; under load a push no longer queues for that lock behind
//! each of the others' round trips, but takes it once with them (group commit). A push that
//! changes stages or rules goes alone; two pushes of one client never share a group, and keep
//! their order. If a group fails, each of its pushes is retried alone, so one bad push costs
//! the others nothing.

use crate::db::{Db, PushError, PushJob, configures};
use std::collections::{HashSet, VecDeque};
use tokio::sync::{mpsc, oneshot};
use veld_domain::Actor;
use veld_domain::sync::{ClientId, PushRequest, PushResponse};

/// The most pushes one transaction applies.
pub const MAX_GROUP: usize = 32;
/// The most mutations one transaction applies (a single push may carry 500).
pub const MAX_GROUP_MUTATIONS: usize = 2_000;

struct Job {
    actor: Actor,
    req: PushRequest,
    now_ms: i64,
    reply: oneshot::Sender<Result<PushResponse, PushError>>,
}

/// The handle requests push through (cheap to clone).
#[derive(Clone)]
pub struct PushQueue {
    jobs: mpsc::Sender<Job>,
}

impl PushQueue {
    /// Starts the queue's task on the current runtime.
    pub fn start(db: Db) -> PushQueue {
        let (jobs, waiting) = mpsc::channel(1024);
        tokio::spawn(run(db, waiting));
        PushQueue { jobs }
    }

    /// Applies `req` (in a group with whatever else is waiting) and answers as `Db::push` does.
    pub async fn push(&self, actor: Actor, req: PushRequest, now_ms: i64) -> Result<PushResponse, PushError> {
        let (reply, answer) = oneshot::channel();
        let stopped = || PushError::Db(anyhow::anyhow!("the push queue has stopped"));
        self.jobs.send(Job { actor, req, now_ms, reply }).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

async fn run(db: Db, mut waiting: mpsc::Receiver<Job>) {
    let mut held: VecDeque<Job> = VecDeque::new();
    loop {
        let first = match held.pop_front() {
            Some(job) => job,
            None => match waiting.recv().await {
                Some(job) => job,
                None => return,
            },
        };
        let group = gather(first, &mut held, &mut waiting);
        // In a task of its own: a panic fails this group's pushes (their answers are dropped,
        // which the handlers report as an error), never the queue.
        let _ = tokio::spawn(apply(db.clone(), group)).await;
    }
}

/// `first` and the jobs that may join it, from those held back earlier (first, in order) and
/// those waiting now; the rest are held back, in order, for the next group.
fn gather(first: Job, held: &mut VecDeque<Job>, waiting: &mut mpsc::Receiver<Job>) -> Vec<Job> {
    let mut group = vec![first];
    if configures(&group[0].req) {
        return group;
    }
    // Clients with a push in this group or held back: their later pushes wait too (order).
    let mut busy: HashSet<ClientId> = HashSet::from([group[0].req.client_id]);
    let mut mutations = group[0].req.mutations.len();
    let mut keep = VecDeque::new();
    let mut consider = |job: Job, group: &mut Vec<Job>, keep: &mut VecDeque<Job>| {
        let fits = group.len() < MAX_GROUP
            && !configures(&job.req)
            && !busy.contains(&job.req.client_id)
            && mutations + job.req.mutations.len() <= MAX_GROUP_MUTATIONS;
        busy.insert(job.req.client_id);
        if fits {
            mutations += job.req.mutations.len();
            group.push(job);
        } else {
            keep.push_back(job);
        }
    };
    while let Some(job) = held.pop_front() {
        consider(job, &mut group, &mut keep);
    }
    while group.len() < MAX_GROUP {
        match waiting.try_recv() {
            Ok(job) => consider(job, &mut group, &mut keep),
            Err(_) => break,
        }
    }
    *held = keep;
    group
}

async fn apply(db: Db, group: Vec<Job>) {
    let jobs: Vec<PushJob<'_>> =
        group.iter().map(|j| PushJob { actor: &j.actor, req: &j.req, now_ms: j.now_ms }).collect();
    let outcome = db.push_group(&jobs).await;
    drop(jobs);
    match outcome {
        Ok(answers) => {
            for (job, answer) in group.into_iter().zip(answers) {
                // The requester may have gone (a closed connection): nothing to tell.
                let _ = job.reply.send(answer);
            }
        }
        Err(err) if group.len() == 1 => {
            if let Some(job) = group.into_iter().next() {
                let _ = job.reply.send(Err(PushError::Db(err)));
            }
        }
        Err(err) => {
            tracing::warn!(%err, pushes = group.len(), "a group of pushes failed; retrying each alone");
            for job in group {
                let answer = db.push(&job.actor, &job.req, job.now_ms).await;
                let _ = job.reply.send(answer);
            }
        }
    }
}
