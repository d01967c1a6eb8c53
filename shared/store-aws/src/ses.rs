//! [`Mailer`] on SES v2: plain-text mail from one configured sender.

use async_trait::async_trait;
use aws_sdk_sesv2::Client;
use aws_sdk_sesv2::types::{Body, Content, Destination, EmailContent, Message};
use oqcloud_store::{Mail, Mailer, StoreResult};

use crate::aws_error;

/// [`Mailer`] sending with SES `SendEmail` from a verified sender address.
#[derive(Debug, Clone)]
pub struct SesMailer {
    client: Client,
    from: String,
}

impl SesMailer {
    /// A mailer sending as `from` (an SES identity: see [`SesMailer::create_identity`]).
    pub fn new(client: Client, from: String) -> Self {
        SesMailer { client, from }
    }

    /// The sender address.
    pub fn from_address(&self) -> &str {
        &self.from
    }

    /// Creates the sender's email identity unless it exists. On AWS, SES then mails a
    /// verification link to that address; sending works once it is followed.
    pub async fn create_identity(&self) -> StoreResult<()> {
        match self
            .client
            .create_email_identity()
            .email_identity(&self.from)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(err)
                if err
                    .as_service_error()
                    .is_some_and(|err| err.is_already_exists_exception()) =>
            {
                Ok(())
            }
            Err(err) => Err(aws_error(format!("creating identity {}", self.from), err)),
        }
    }
}

/// The address mail to `user` goes to: the user name when it is an address, else the user
/// name at the sender's domain (user names of the OpenQuake server are often plain names).
fn recipient(user: &str, from: &str) -> String {
    match (user.contains('@'), from.rsplit_once('@')) {
        (false, Some((_, domain))) => format!("{user}@{domain}"),
        _ => user.to_owned(),
    }
}

/// UTF-8 text content.
fn content(data: &str) -> StoreResult<Content> {
    Content::builder()
        .data(data)
        .charset("UTF-8")
        .build()
        .map_err(|err| aws_error("mail content", err))
}

#[async_trait]
impl Mailer for SesMailer {
    /// `sent_at` is not sent: SES dates the message itself. `to` is a user name (see
    /// [`recipient`]).
    async fn send(&self, mail: &Mail) -> StoreResult<()> {
        let message = Message::builder()
            .subject(content(&mail.subject)?)
            .body(Body::builder().text(content(&mail.body)?).build())
            .build();
        self.client
            .send_email()
            .from_email_address(&self.from)
            .destination(
                Destination::builder()
                    .to_addresses(recipient(&mail.to, &self.from))
                    .build(),
            )
            .content(EmailContent::builder().simple(message).build())
            .send()
            .await
            .map_err(|err| aws_error(format!("mailing {}", mail.to), err))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::recipient;

    #[test]
    fn plain_user_names_get_the_sender_domain() {
        assert_eq!(recipient("alice", "oq@example.com"), "alice@example.com");
        assert_eq!(recipient("bob@uni.edu", "oq@example.com"), "bob@uni.edu");
    }
}
