"""The page's forms (Flask-WTF: each carries a CSRF token)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, NumberRange

from staff.models import ROLES


class LoginForm(FlaskForm):
    gebruikersnaam = StringField("Gebruikersnaam", validators=[
        DataRequired("Vul je gebruikersnaam in.")])
    wachtwoord = PasswordField("Wachtwoord", validators=[DataRequired("Vul je wachtwoord in.")])


class StatusForm(FlaskForm):
    status = SelectField("Nieuwe status", validate_choice=False)
    notitie = TextAreaField("Notitie")


class NewUserForm(FlaskForm):
    gebruikersnaam = StringField("Gebruikersnaam", validators=[
        DataRequired("Vul een gebruikersnaam in.")])
    rol = SelectField("Rol", choices=[(r, r) for r in ROLES], validate_choice=False)
    wachtwoord = PasswordField("Wachtwoord (minstens 12 tekens)", validators=[
        DataRequired("Vul een wachtwoord in.")])
    herhaal = PasswordField("Herhaal het wachtwoord", validators=[
        DataRequired("Herhaal het wachtwoord.")])


class RetentionForm(FlaskForm):
    dagen = IntegerField("Bewaartermijn in dagen", validators=[
        NumberRange(min=30, max=3650, message="Kies een termijn van 30 tot 3650 dagen.")])


class ButtonForm(FlaskForm):
    """A form with only a button (log out, (de)activate, show contact): just the CSRF token."""
