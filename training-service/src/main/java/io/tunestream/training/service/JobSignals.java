package io.tunestream.training.service;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/** Wakes the idle runner when a job was queued, so that it does not wait for its next poll. */
@ApplicationScoped
public class JobSignals {

    private final Semaphore wakeups = new Semaphore(0);
    private final TransactionSynchronizationRegistry transactions;

    public JobSignals(TransactionSynchronizationRegistry transactions) {
        this.transactions = transactions;
    }

    /** Wakes the runner once the current transaction committed (at once outside a transaction). */
    public void afterCommitWakeRunner() {
        if (transactions.getTransactionKey() == null) {
            wake();
            return;
        }
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {}

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    wake();
                }
            }
        });
    }

    void wake() {
        wakeups.release();
    }

    /** Waits until woken or {@code timeout} passed. */
    public void awaitWork(Duration timeout) throws InterruptedException {
        if (wakeups.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            wakeups.drainPermits();
        }
    }
}
