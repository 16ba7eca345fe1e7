//! The roles of SPEC section 2, in a module of their own: users are stored with one and
//! authentication reads it, and neither module depends on the other for it.

crate::text_enum! {
    /// What a user may see and do (SPEC section 2).
    pub enum Role {
        /// A yard manager: sees and changes everything in the yard.
        Manager => "manager",
        /// A yard worker: sees the jobs of their assignments, logs their work.
        Technician => "technician",
        /// A user of a client organisation (a shipowner or ship manager).
        Client => "client",
    }
}
